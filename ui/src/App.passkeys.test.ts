// A user who already has passkeys: the user panel lists them (name, model, created), each
// deleted only after a question naming it and the user (focus on keeping it), audited;
// a user with none says so; a failed read or a passkey already gone says what happened;
// the keep-or-delete choice for the job reaches the backend and decides what is left.
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { IpcError } from './bindings/IpcError';
import { FakeBackend } from './platform/fake';
import { $, $$, cleanup, click, render, waitFor } from './testing/render';

afterEach(cleanup);

/** Diego Siciliani (u-03) has two passkeys in the fake tenant. */
async function showDiego(backend = new FakeBackend()) {
  const desk = await render(backend);
  desk.queue.select('u-03');
  flushSync();
  await waitFor(() => expect($$('[data-testid="passkey-row"]')).toHaveLength(2));
  return { desk, backend };
}

const forbidden: IpcError = {
  kind: 'graphForbidden',
  message: 'Microsoft Graph refused to list the user’s passkeys (HTTP 403).',
  remediation: 'Grant UserAuthenticationMethod.ReadWrite.All to KeyDesk’s app, then try again.',
  requestId: null,
};

describe('a user’s existing passkeys', () => {
  it('are listed with name, model and created date; a user with none says so', async () => {
    const { desk } = await showDiego();
    const rows = $$('[data-testid="passkey-row"]').map((r) => r.textContent ?? '');
    expect(rows[0]).toContain('YubiKey at home');
    expect(rows[0]).toContain('YubiKey 5 NFC');
    expect(rows[0]).toMatch(/YubiKey 5 NFC · created .*2025/);
    expect($('[data-testid="passkey-row"] time')?.getAttribute('datetime')).toBe(
      '2025-03-14T09:12:00Z',
    );

    desk.queue.select('u-01');
    flushSync();
    await waitFor(() =>
      expect($('[data-testid="passkeys-none"]')?.textContent).toBe(
        'Adele Vance has no passkeys yet.',
      ),
    );
    expect($('[data-testid="passkeys-choice"]')).toBeNull();
  });

  it('deletes one only after a question naming it and the user, with focus on keeping it', async () => {
    const { desk, backend } = await showDiego();
    click('[data-testid="passkey-delete"]');
    const dialog = $('[data-testid="confirm"]')!;
    expect(dialog.textContent).toContain('Delete “YubiKey at home” from Diego Siciliani?');
    expect(dialog.textContent).toContain('Diego Siciliani can no longer sign in with this passkey');
    await waitFor(() =>
      expect(document.activeElement?.getAttribute('data-testid')).toBe('confirm-no'),
    );

    click('[data-testid="confirm-no"]');
    expect(backend.passkeys.list('u-03')).toHaveLength(2);

    click('[data-testid="passkey-delete"]');
    click('[data-testid="confirm-yes"]');
    await waitFor(() => expect($$('[data-testid="passkey-row"]')).toHaveLength(1));
    expect($('[data-testid="passkey-deleted"]')?.textContent).toContain(
      'Deleted “YubiKey at home”',
    );
    expect(backend.passkeys.list('u-03').map((p) => p.name)).toEqual(['Spare key']);
    expect(await backend.auditExport()).toMatch(/"action":"passkey deleted".*"subject":"u-03"/);
    expect(desk.passkeys.error).toBeNull();
  });

  it('says a passkey deleted elsewhere is already gone, and lists what is there', async () => {
    const { backend } = await showDiego();
    backend.passkeys.delete('u-03', 'm-diego-1');
    click('[data-testid="passkey-delete"]');
    click('[data-testid="confirm-yes"]');
    await waitFor(() =>
      expect($('[data-testid="error"]')?.getAttribute('data-kind')).toBe('unknownMethod'),
    );
    expect($('[data-testid="error"]')?.textContent).toContain('no such passkey');
    expect($$('[data-testid="passkey-row"]')).toHaveLength(1);
  });

  it('says why the list could not be read, and reads it again on request', async () => {
    const backend = new FakeBackend();
    const desk = await render(backend);
    await waitFor(() => expect($('[data-testid="passkeys-none"]')).not.toBeNull());
    backend.passkeys.failNext(forbidden);
    desk.queue.select('u-03');
    flushSync();
    await waitFor(() =>
      expect($('[data-testid="error"]')?.getAttribute('data-kind')).toBe('graphForbidden'),
    );
    expect($('[data-testid="error"]')?.textContent).toContain('lacks a permission');
    click('[data-testid="existing-passkeys"] [data-testid="error"] button');
    await waitFor(() => expect($$('[data-testid="passkey-row"]')).toHaveLength(2));
  });

  it('are kept by default when the user is provisioned, or deleted after, by the job’s choice', async () => {
    const { desk, backend } = await showDiego();
    expect($<HTMLInputElement>('[data-testid="passkeys-keep"]')?.checked).toBe(true);
    click('[data-testid="passkeys-delete-after"]');
    expect(desk.passkeys.choiceFor('u-03', false)).toBe('deleteAfterRegistration');

    await desk.plugKey({ withPin: false, aaguid: null });
    const run = desk.provision('u-03');
    await waitFor(() => expect(desk.job.step).toBe('touchKey'));
    flushSync();
    expect($('[data-testid="passkeys-during-job"]')?.textContent?.trim()).toBe(
      'The user’s 2 passkeys from before are deleted once this one is registered.',
    );
    await desk.touchKey(desk.keys.list[0]!.id);
    await run;
    expect(desk.job.phase).toBe('registered');
    const left = backend.passkeys.list('u-03');
    expect(left).toHaveLength(1);
    expect(left[0]?.name).toContain('(KeyDesk)');

    // Another user with passkeys, the choice left alone: the desk's setting (keep).
    const keep = new FakeBackend({
      passkeys: { 'u-01': [{ methodId: 'm-a', name: 'Old', model: 'X', created: null }] },
    });
    cleanup();
    const other = await render(keep);
    await waitFor(() => expect($$('[data-testid="passkey-row"]')).toHaveLength(1));
    await other.plugKey({ withPin: false, aaguid: null });
    const second = other.provision('u-01');
    await waitFor(() => expect(other.job.step).toBe('touchKey'));
    await other.touchKey(other.keys.list[0]!.id);
    await second;
    expect(keep.passkeys.list('u-01').map((p) => p.name)).toContain('Old');
    expect(keep.passkeys.list('u-01')).toHaveLength(2);
  });
});
