import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../platform/fake';
import { Desk } from './desk.svelte';

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (ok()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a device-code sign-in started from the command line', () => {
  it('shows its code on the connection screen and opens the desk once it is entered', async () => {
    const backend = new FakeBackend({ demo: false, startDeviceCode: true });
    const d = new Desk(backend);
    d.session.startPollMs = 5;
    await d.start();
    await until('the code', () => d.session.connection.prompt !== null);
    expect(d.session.view).toBe('connection');
    expect(d.session.connection.phase).toBe('signingIn');
    const prompt = d.session.connection.prompt;
    expect(prompt?.event === 'deviceCode' && prompt.data.userCode).toBe('KDSK-7310');
    expect(prompt?.event === 'deviceCode' && prompt.data.verificationUri).toBe(
      'https://microsoft.com/devicelogin',
    );

    backend.tenant.finishStart();
    await until('the desk', () => d.session.view === 'desk');
    await until('the queue', () => d.queue.users.length > 0);
    expect(d.info?.signedIn).toBe(true);
    expect(d.info?.operator).toBe('admin@contoso.onmicrosoft.com');
    expect(d.session.connection.prompt).toBeNull();
  });

  it('says why when it failed and leaves the form to sign in by hand', async () => {
    const backend = new FakeBackend({ demo: false, startDeviceCode: true });
    const d = new Desk(backend);
    d.session.startPollMs = 5;
    await d.start();
    await until('the code', () => d.session.connection.prompt !== null);
    backend.tenant.finishStart({
      kind: 'signIn',
      message: 'The sign-in started from the command line failed: the code expired.',
      remediation: 'Check the connection and sign in again.',
      requestId: null,
    });
    const c = d.session.connection;
    await until('the failure', () => c.error !== null);
    expect(c.phase).toBe('idle');
    expect(c.prompt).toBeNull();
    expect(c.error?.message).toContain('the code expired');
    expect(d.session.view).toBe('connection');
    expect(d.info?.signedIn).toBe(false);
  });
});
