// The idle lock as an operator meets it: the queue and PINs hidden, the backend refusing
// the PIN commands while locked; one click in demo mode (said on screen), the operator
// signing in again in the delegated modes (another account refused), the station
// passphrase in the app-only modes (set on the first lock, typed twice; wrong ones refused
// with tries left, then a 30-second wait said on screen).
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { msg } from './lib/messages';
import { FakeBackend } from './platform/fake';
import { $, $$, cleanup, click, render, waitFor } from './testing/render';

afterEach(cleanup);

function type(selector: string, value: string): void {
  const input = $<HTMLInputElement>(selector);
  if (!input) throw new Error(`no ${selector}`);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
}

async function lockAfterIdle(desk: Awaited<ReturnType<typeof render>>): Promise<void> {
  desk.idle.tick(Date.now() + 11 * 60_000);
  flushSync();
  await waitFor(() => expect($('[data-testid="unlock"]')).not.toBeNull());
}

/** An app-only (client secret) station outside demo mode. */
function appOnly(): FakeBackend {
  const backend = new FakeBackend({ demo: false });
  backend.tenant.connection!.mode = 'clientSecret';
  return backend;
}

describe('the idle lock', () => {
  it('in demo mode hides the queue, says one click unlocks, and the backend refuses PINs meanwhile', async () => {
    const backend = new FakeBackend();
    const desk = await render(backend);
    await lockAfterIdle(desk);
    expect($('[data-testid="lock-screen"]')).not.toBeNull();
    expect($$('[data-testid="user-row"]')).toHaveLength(0);
    expect($('[data-testid="pin-letter"]')).toBeNull();
    // Nothing in the header leads around the lock.
    expect($('[data-testid="open-letters"]')).toBeNull();
    expect($('[data-testid="open-settings"]')).toBeNull();
    expect($('[data-testid="lock-demo"]')?.textContent).toBe(msg.lock.demo);
    await expect(backend.lettersPending()).rejects.toMatchObject({ kind: 'locked' });
    click('[data-testid="unlock"]');
    await waitFor(() => expect($$('[data-testid="user-row"]').length).toBeGreaterThan(0));
    await expect(backend.lettersPending()).resolves.toBeDefined();
  });

  it('on a delegated station unlocks when the operator signs in again, not another account', async () => {
    const backend = new FakeBackend({ demo: false });
    backend.tenant.connection!.mode = 'browser';
    const desk = await render(backend);
    await lockAfterIdle(desk);
    expect($('[data-testid="lock-sign-in-intro"]')?.textContent).toBe(msg.lock.signInIntro);
    expect($('[data-testid="unlock"]')?.textContent).toBe(msg.lock.signIn);
    expect($('[data-testid="lock-passphrase"]')).toBeNull();
    await expect(backend.unlock(null)).rejects.toMatchObject({ kind: 'signIn' });

    backend.lock.signInAs = 'megan@contoso.com';
    click('[data-testid="unlock"]');
    await waitFor(() => expect($('[data-testid="error"]')?.textContent).toContain('stays locked'));
    expect($('[data-testid="error"]')?.textContent).toContain('megan@contoso.com');
    expect($('[data-testid="lock-screen"]')).not.toBeNull();
    await expect(backend.lettersPending()).rejects.toMatchObject({ kind: 'locked' });

    backend.lock.signInAs = null;
    click('[data-testid="unlock"]');
    await waitFor(() => expect($$('[data-testid="user-row"]').length).toBeGreaterThan(0));
    expect($('[data-testid="lock-screen"]')).toBeNull();
  });

  it('on an app-only station sets the passphrase on the first lock, typed twice', async () => {
    const backend = appOnly();
    const desk = await render(backend);
    await lockAfterIdle(desk);
    expect($('[data-testid="lock-set-intro"]')?.textContent).toBe(msg.lock.setIntro);
    expect($('[data-testid="lock-demo"]')).toBeNull();
    type('[data-testid="lock-new-passphrase"]', 'short');
    type('[data-testid="lock-passphrase-again"]', 'short');
    click('[data-testid="unlock"]');
    await waitFor(() => expect($('[data-testid="error"]')?.textContent).toContain('8 characters'));
    expect($('[data-testid="lock-screen"]')).not.toBeNull();
    type('[data-testid="lock-new-passphrase"]', 'desk seven pass');
    type('[data-testid="lock-passphrase-again"]', 'desk seven pas');
    click('[data-testid="unlock"]');
    await waitFor(() => expect($('[data-testid="error"]')?.textContent).toContain('differ'));
    type('[data-testid="lock-new-passphrase"]', 'desk seven pass');
    type('[data-testid="lock-passphrase-again"]', 'desk seven pass');
    click('[data-testid="unlock"]');
    await waitFor(() => expect($$('[data-testid="user-row"]').length).toBeGreaterThan(0));
    expect($('[data-testid="lock-screen"]')).toBeNull();
  });

  it('on an app-only station refuses a wrong passphrase, then waits 30 seconds after five', async () => {
    const backend = appOnly();
    await backend.stationPassphraseSet('desk seven pass', 'desk seven pass');
    let now = Date.now();
    backend.lock.now = () => now;
    const desk = await render(backend);
    await lockAfterIdle(desk);
    expect($('[data-testid="lock-passphrase"]')).not.toBeNull();
    type('[data-testid="lock-passphrase"]', 'desk eight pass');
    click('[data-testid="unlock"]');
    await waitFor(() => expect($('[data-testid="error"]')?.textContent).toContain('4 more tries'));
    expect($('[data-testid="lock-screen"]')).not.toBeNull();
    for (let i = 0; i < 4; i++) {
      type('[data-testid="lock-passphrase"]', 'desk eight pass');
      click('[data-testid="unlock"]');
      await waitFor(() => expect(desk.idle.busy).toBe(false));
    }
    await waitFor(() =>
      expect($('[data-testid="error"]')?.textContent).toContain('wait 30 seconds'),
    );
    // Even the right passphrase waits.
    type('[data-testid="lock-passphrase"]', 'desk seven pass');
    click('[data-testid="unlock"]');
    await waitFor(() => expect($('[data-testid="error"]')?.textContent).toContain('wait'));
    expect($('[data-testid="lock-screen"]')).not.toBeNull();
    await expect(backend.reprintLetter('u-01')).rejects.toMatchObject({ kind: 'locked' });
    now += 30_000;
    type('[data-testid="lock-passphrase"]', 'desk seven pass');
    click('[data-testid="unlock"]');
    await waitFor(() => expect($('[data-testid="lock-screen"]')).toBeNull());
  });

  it('on an app-only station with a passphrase opens locked, so a restart is no way around it', async () => {
    const backend = appOnly();
    await backend.stationPassphraseSet('desk seven pass', 'desk seven pass');
    backend.lock.lockAtStart();
    const desk = await render(backend);
    await waitFor(() => expect($('[data-testid="lock-passphrase"]')).not.toBeNull());
    expect(desk.idle.locked).toBe(true);
    expect($$('[data-testid="user-row"]')).toHaveLength(0);
    type('[data-testid="lock-passphrase"]', 'desk seven pass');
    click('[data-testid="unlock"]');
    await waitFor(() => expect($$('[data-testid="user-row"]').length).toBeGreaterThan(0));
  });
});
