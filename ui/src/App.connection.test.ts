// The connection screen (first run, and from the header) and the settings screen, against
// the fake backend (the idle lock: App.lock.test.ts).
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
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

describe('the connection screen', () => {
  it('opens first when not signed in, signs in with a device code and loads the queue', async () => {
    const backend = new FakeBackend({ demo: false, signedIn: false });
    await render(backend);
    expect($('[data-testid="connection"]')).not.toBeNull();
    expect($$('[data-testid="user-row"]')).toHaveLength(0);
    expect($('[data-testid="missing"]')?.textContent).toContain('tenant');

    type('[data-testid="tenant-input"]', 'contoso.onmicrosoft.com');
    type('[data-testid="client-id-input"]', 'app-id');
    type('[data-testid="group-input"]', 'FIDO Provisioning');
    click('[data-testid="mode-deviceCode"]');
    click('[data-testid="sign-in"]');

    await waitFor(() => expect($('[data-testid="device-code"]')?.textContent).toBe('KDSK-4821'));
    expect($('[data-testid="signin-prompt"]')?.textContent).toContain(
      'https://microsoft.com/devicelogin',
    );
    await waitFor(() => expect($$('[data-testid="user-row"]').length).toBeGreaterThan(0));
    expect($('[data-testid="operator"]')?.textContent).toContain('admin@contoso.onmicrosoft.com');
    expect($('[data-testid="cloud"]')?.textContent).toContain('Global · v1.0');
  });

  it('shows the device code of a sign-in started from the command line, then the desk', async () => {
    const backend = new FakeBackend({ demo: false, startDeviceCode: true });
    await render(backend, (d) => (d.session.startPollMs = 5));
    await waitFor(() => expect($('[data-testid="device-code"]')?.textContent).toBe('KDSK-7310'));
    expect($('[data-testid="signin-prompt"] a')?.getAttribute('href')).toBe(
      'https://microsoft.com/devicelogin',
    );
    expect($('[data-testid="signin-prompt"] button')?.textContent).toContain('Copy code');
    // The header names tenant, cloud and API version, and that nobody is signed in yet.
    expect($('[data-testid="tenant"]')?.textContent).toBe('contoso.onmicrosoft.com');
    expect($('[data-testid="cloud"]')?.textContent).toContain('Global · v1.0');
    expect($('[data-testid="operator"]')?.textContent).toContain('nobody yet');

    backend.tenant.finishStart();
    await waitFor(() => expect($$('[data-testid="user-row"]').length).toBeGreaterThan(0));
    expect($('[data-testid="signin-prompt"]')).toBeNull();
    expect($('[data-testid="operator"]')?.textContent).toContain('admin@contoso.onmicrosoft.com');
  });

  it('keeps a client secret for the keyring only, checks the tenant and signs out', async () => {
    const backend = new FakeBackend({ demo: false, signedIn: false });
    const desk = await render(backend);
    type('[data-testid="tenant-input"]', 'contoso.onmicrosoft.com');
    type('[data-testid="client-id-input"]', 'app-id');
    type('[data-testid="group-input"]', 'FIDO Provisioning');
    click('[data-testid="mode-clientSecret"]');
    expect($('[data-testid="missing"]')?.textContent).toContain('client secret');
    type('[data-testid="secret-input"]', 's3cret');
    click('[data-testid="sign-in"]');
    await waitFor(() => expect(desk.session.view).toBe('desk'));
    expect(backend.tenant.keyring.get('clientSecret')).toBe('s3cret');
    expect(JSON.stringify(backend.tenant.connection)).not.toContain('s3cret');
    expect(desk.session.connection.secret).toBe('');

    click('[data-testid="open-connection"]');
    await waitFor(() => expect($('[data-testid="check"]')).not.toBeNull());
    click('[data-testid="check"]');
    await waitFor(() => expect($$('[data-testid="check-line"]').length).toBe(5));
    expect($('[data-testid="check-line"][data-verdict="fail"]')?.textContent).toContain('Fix:');

    click('[data-testid="forget-secret"]');
    click('[data-testid="sign-out"]');
    await waitFor(() => expect(desk.info?.signedIn).toBe(false));
    expect(backend.tenant.keyring.has('clientSecret')).toBe(false);
    expect($('[data-testid="sign-in"]')).not.toBeNull();
  });

  it('shows the demo connection read-only, with the check', async () => {
    await render();
    click('[data-testid="open-connection"]');
    await waitFor(() => expect($('[data-testid="demo-connection"]')).not.toBeNull());
    expect($('[data-testid="sign-in"]')).toBeNull();
    expect($<HTMLInputElement>('[data-testid="tenant-input"]')?.value).toBe(
      'contoso.onmicrosoft.com',
    );
    click('[data-testid="back-to-desk"]');
    expect($$('[data-testid="user-row"]').length).toBeGreaterThan(0);
  });
});

describe('the Yubico sample import', () => {
  it('fills the form from configs.json, keeps the secret in the keyring and says to delete the file', async () => {
    const backend = new FakeBackend({ demo: false, signedIn: false });
    backend.tenant.files.set(
      '/home/op/FIDO2-Bulk/configs.json',
      JSON.stringify({
        tenantName: 'contoso.onmicrosoft.com',
        client_id: '0f1e2d3c',
        client_secret: 's3cr3t~from~the~sample',
        usersInScopeGroup: 'FIDO Users',
        challengeTimeoutInMinutes: 60,
      }),
    );
    await render(backend);
    expect($('[data-testid="yubico-import"]')).not.toBeNull();
    type('[data-testid="yubico-path"]', '/home/op/FIDO2-Bulk/missing.json');
    click('[data-testid="yubico-submit"]');
    await waitFor(() =>
      expect($('[data-testid="error-message"]')?.textContent).toContain('missing.json'),
    );

    type('[data-testid="yubico-path"]', '/home/op/FIDO2-Bulk/configs.json');
    click('[data-testid="yubico-submit"]');
    await waitFor(() => expect($('[data-testid="yubico-notice"]')).not.toBeNull());
    expect($('[data-testid="yubico-notice"]')?.textContent).toContain(
      'Delete /home/op/FIDO2-Bulk/configs.json now',
    );
    expect($<HTMLInputElement>('[data-testid="tenant-input"]')?.value).toBe(
      'contoso.onmicrosoft.com',
    );
    expect($<HTMLInputElement>('[data-testid="client-id-input"]')?.value).toBe('0f1e2d3c');
    expect($<HTMLInputElement>('[data-testid="group-input"]')?.value).toBe('FIDO Users');
    expect($<HTMLInputElement>('[data-testid="mode-clientSecret"]')?.checked).toBe(true);
    expect(document.body.textContent).not.toContain('s3cr3t');
    expect(backend.tenant.keyring.get('clientSecret')).toBe('s3cr3t~from~the~sample');
    // The secret is stored: signing in needs nothing more.
    expect($('[data-testid="missing"]')).toBeNull();
    click('[data-testid="sign-in"]');
    await waitFor(() => expect($$('[data-testid="user-row"]').length).toBeGreaterThan(0));
  });
});

describe('the settings screen', () => {
  it('explains every setting and saves a change', async () => {
    const backend = new FakeBackend();
    await render(backend);
    click('[data-testid="open-settings"]');
    await waitFor(() => expect($$('[data-testid="setting"]').length).toBe(20));
    for (const row of $$('[data-testid="setting"]')) {
      expect(row.querySelector('.hint')?.textContent?.length).toBeGreaterThan(10);
    }
    expect($<HTMLButtonElement>('[data-testid="save-settings"]')?.disabled).toBe(true);
    type('#setting-pinLength', '8');
    click('[data-testid="save-settings"]');
    await waitFor(() => expect(backend.tenant.settings.pinLength).toBe(8));

    type('#setting-pinLength', '2');
    click('[data-testid="save-settings"]');
    await waitFor(() => expect($('[data-testid="error"]')?.textContent).toContain('4 to 63'));
    type('#setting-pinLength', '6');

    // The shared store, for the next start: an address, and an empty field is no store.
    type('#setting-store', 'postgres://desk@db.example/keydesk');
    type('#setting-deskName', 'desk-2');
    click('[data-testid="save-settings"]');
    await waitFor(() =>
      expect(backend.tenant.settings.store).toBe('postgres://desk@db.example/keydesk'),
    );
    expect(backend.tenant.settings.deskName).toBe('desk-2');
    type('#setting-store', ' ');
    click('[data-testid="save-settings"]');
    await waitFor(() => expect(backend.tenant.settings.store).toBeNull());
  });

  it('keeps the letter template file every letter uses', async () => {
    const backend = new FakeBackend();
    await render(backend);
    click('[data-testid="open-settings"]');
    await waitFor(() => expect($('#setting-letterTemplate')).not.toBeNull());
    expect($('[data-key="letterTemplate"]')?.textContent).toContain('organisation name, logo');
    type('#setting-letterTemplate', '/etc/keydesk/letter.toml');
    click('[data-testid="save-settings"]');
    await waitFor(() =>
      expect(backend.tenant.settings.letterTemplate).toBe('/etc/keydesk/letter.toml'),
    );
  });
});

describe('jobs that need attention', () => {
  it('lists candidates, records a pick and updates the queue', async () => {
    const backend = new FakeBackend({
      users: [
        {
          id: 'a',
          upn: 'a@contoso.com',
          displayName: 'Ann',
          status: 'needsAttention',
          detail: 'in doubt',
        },
        { id: 'b', upn: 'b@contoso.com', displayName: 'Bob', status: 'pending', detail: null },
      ],
    });
    const desk = await render(backend);
    click('[data-testid="header-attention"]');
    await waitFor(() => expect($$('[data-testid="attention-job"]')).toHaveLength(1));
    expect($('[data-testid="attention-job"]')?.textContent).toContain('new since the attempt');
    expect($<HTMLButtonElement>('[data-testid="resolve"]')?.disabled).toBe(true);
    $$('[data-testid="candidate"]')[1]?.click();
    flushSync();
    click('[data-testid="resolve"]');
    await waitFor(() => expect($('[data-testid="attention-empty"]')).not.toBeNull());
    expect(backend.decisions).toEqual([{ userId: 'a', methodId: 'm-new-a' }]);
    expect(desk.queue.users[0]?.status).toBe('registered');
  });
});
