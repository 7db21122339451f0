import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProvisionEvent } from '../bindings/ProvisionEvent';

const calls: Array<{ command: string; args: unknown }> = [];

vi.mock('@tauri-apps/api/core', () => ({
  invoke: (command: string, args?: unknown) => {
    calls.push({ command, args });
    return Promise.resolve(command === 'demo_plug_key' ? { id: 'sim-1' } : null);
  },
  Channel: class<T> {
    constructor(readonly onmessage: (message: T) => void) {}
  },
}));

const { tauriBackend } = await import('./tauri');

describe('tauriBackend', () => {
  beforeEach(() => {
    calls.length = 0;
  });

  it('invokes each command by its Rust name with camelCase arguments', async () => {
    await tauriBackend.appInfo();
    await tauriBackend.loadQueue();
    await tauriBackend.letterPrinted('u-01');
    await tauriBackend.cancelProvision();
    await tauriBackend.skipUser('u-02');
    await tauriBackend.retryUser('u-02');
    await tauriBackend.moveToTop(['u-05', 'u-02']);
    await tauriBackend.lettersPending();
    await tauriBackend.reprintLetter('u-03');
    await tauriBackend.revokeKey('u-04', true);
    await tauriBackend.demoPullKey('sim-1');
    await tauriBackend.demoTouchKey('sim-1');
    await tauriBackend.demoReplugKey('sim-1');
    expect(await tauriBackend.demoPlugKey({ withPin: true, aaguid: null })).toEqual({
      id: 'sim-1',
    });
    expect(calls).toEqual([
      { command: 'app_info', args: undefined },
      { command: 'queue_load', args: undefined },
      { command: 'letter_printed', args: { userId: 'u-01' } },
      { command: 'provision_cancel', args: undefined },
      { command: 'queue_skip', args: { userId: 'u-02' } },
      { command: 'queue_retry', args: { userId: 'u-02' } },
      { command: 'queue_move_to_top', args: { userIds: ['u-05', 'u-02'] } },
      { command: 'letters_pending', args: undefined },
      { command: 'letter_reprint', args: { userId: 'u-03' } },
      { command: 'key_revoke', args: { userId: 'u-04', reissue: true } },
      { command: 'demo_pull_key', args: { keyId: 'sim-1' } },
      { command: 'demo_touch_key', args: { keyId: 'sim-1' } },
      { command: 'demo_replug_key', args: { keyId: 'sim-1' } },
      { command: 'demo_plug_key', args: { key: { withPin: true, aaguid: null } } },
    ]);
  });

  it('sends the paper commands by their Rust names', async () => {
    await tauriBackend.lettersPdf(['u-01']);
    await tauriBackend.lettersSave([], '/tmp/l.pdf');
    await tauriBackend.reportSave('yubico', '/tmp/r.csv');
    await tauriBackend.tapSave(
      { userIds: ['kim@x'], lifetimeMinutes: null, oneTime: true, replace: false },
      '/tmp/t.pdf',
    );
    expect(calls).toEqual([
      { command: 'letters_pdf', args: { userIds: ['u-01'] } },
      { command: 'letters_save', args: { userIds: [], path: '/tmp/l.pdf' } },
      { command: 'report_save', args: { format: 'yubico', path: '/tmp/r.csv' } },
      {
        command: 'tap_save',
        args: {
          request: { userIds: ['kim@x'], lifetimeMinutes: null, oneTime: true, replace: false },
          path: '/tmp/t.pdf',
        },
      },
    ]);
  });

  it('streams events through a channel', async () => {
    const events: ProvisionEvent[] = [];
    await tauriBackend.provision('u-01', { choice: 'reset' }, null, (e) => events.push(e));
    expect(calls[0]?.command).toBe('provision');
    const args = calls[0]?.args as {
      userId: string;
      onEvent: { onmessage: (e: ProvisionEvent) => void };
    };
    expect(args.userId).toBe('u-01');
    expect(calls[0]?.args).toMatchObject({ keyWithPin: { choice: 'reset' } });
    args.onEvent.onmessage({ event: 'step', data: { step: 'touchKey', message: 'Touch' } });
    expect(events).toEqual([{ event: 'step', data: { step: 'touchKey', message: 'Touch' } }]);

    await tauriBackend.watchKeys(() => {});
    expect(calls[1]?.command).toBe('keys_watch');
    expect(Object.keys(calls[1]?.args as object)).toEqual(['onEvent']);
  });
});
