import { describe, expect, it, vi } from 'vitest';
import type { IpcError } from '../bindings/IpcError';
import type { Backend } from '../platform/backend';
import { FakeBackend } from '../platform/fake';
import { Desk } from './desk.svelte';

async function started(backend: Backend): Promise<Desk> {
  const desk = new Desk(backend);
  await desk.start();
  return desk;
}

const waitFor = (check: () => void) => vi.waitFor(check, { timeout: 2000, interval: 5 });

describe('Desk with the fake backend', () => {
  it('loads the header and the queue, selecting the first pending user', async () => {
    const desk = await started(new FakeBackend());
    expect(desk.info?.demo).toBe(true);
    expect(desk.queue.users.length).toBeGreaterThan(5);
    expect(desk.queue.selected?.status).toBe('pending');
  });

  it('provisions a user: insert, touch, registered, then next clears the PIN', async () => {
    const backend = new FakeBackend();
    const desk = await started(backend);
    const userId = desk.queue.selectedId!;

    const run = desk.provision(userId);
    await waitFor(() => expect(desk.job.step).toBe('insertKey'));
    expect(desk.queue.selected?.status).toBe('inProgress');
    expect(desk.occupied).toBe(true);

    const key = await backend.plugBlank();
    await waitFor(() => expect(desk.job.step).toBe('touchKey'));
    expect(desk.keys.list[0]).toMatchObject({ id: key.id, awaitingTouch: true });

    await backend.demoTouchKey(key.id);
    await run;
    expect(desk.job.phase).toBe('registered');
    expect(desk.job.registered?.pin).toMatch(/^\d{6}$/);
    expect(desk.queue.users.find((u) => u.id === userId)?.status).toBe('registered');
    expect(desk.keys.list[0]?.awaitingTouch).toBe(false);

    expect(desk.letter.stage).toBe('notPrinted');
    expect(desk.letters.has(userId)).toBe(true);
    desk.print();
    await vi.waitFor(() => expect(desk.paper.viewer?.userIds).toEqual([userId]));
    desk.paper.closeViewer();
    expect(desk.letter.stage).toBe('awaitingConfirmation');
    expect(backend.lettersPrinted).toEqual([]);
    await desk.confirmPrinted();
    expect(desk.letter.stage).toBe('confirmed');
    expect(backend.lettersPrinted).toEqual([userId]);
    expect(desk.letters.has(userId)).toBe(false);

    desk.next();
    expect(desk.job.registered).toBeNull();
    expect(desk.job.phase).toBe('idle');
    expect(desk.queue.selectedId).not.toBe(userId);
    expect(desk.queue.selected?.status).toBe('pending');
  });

  it('asks for a new key for the second user (a used key is not reused)', async () => {
    const backend = new FakeBackend();
    const desk = await started(backend);
    const first = desk.queue.selectedId!;
    const run = desk.provision(first);
    const key = await backend.plugBlank();
    await waitFor(() => expect(desk.job.step).toBe('touchKey'));
    await backend.demoTouchKey(key.id);
    await run;
    desk.next();

    void desk.provision(desk.queue.selectedId!);
    await waitFor(() => expect(desk.job.step).toBe('insertKey'));
  });

  it('blocks a second job while a PIN is still on screen', async () => {
    const backend = new FakeBackend();
    const desk = await started(backend);
    const run = desk.provision(desk.queue.selectedId!);
    const key = await backend.plugBlank();
    await waitFor(() => expect(desk.job.step).toBe('touchKey'));
    await backend.demoTouchKey(key.id);
    await run;

    const other = desk.queue.nextPending(desk.queue.selectedId)!;
    expect(desk.canProvision(other.id)).toBe(false);
    await desk.provision(other.id);
    expect(desk.job.registered).not.toBeNull();
  });

  it('marks the user failed when the key is pulled before the touch', async () => {
    const backend = new FakeBackend();
    const desk = await started(backend);
    const userId = desk.queue.selectedId!;
    const run = desk.provision(userId);
    const key = await backend.plugBlank();
    await waitFor(() => expect(desk.job.step).toBe('touchKey'));
    await backend.demoPullKey(key.id);
    await run;

    expect(desk.job.phase).toBe('failed');
    expect(desk.job.error?.kind).toBe('keyRemoved');
    expect(desk.queue.selected).toMatchObject({
      status: 'failed',
      detail: 'The security key was removed.',
    });
    expect(desk.keys.list).toHaveLength(0);
    expect(desk.canProvision(userId)).toBe(true);
  });

  it('shows an injected Graph failure with its request id, and succeeds on retry with the failure gone', async () => {
    const error: IpcError = {
      kind: 'graphThrottled',
      message: 'Microsoft Graph throttled the request.',
      remediation: 'Wait a minute, then try again.',
      requestId: 'req-42',
    };
    const failures: Record<string, IpcError> = { 'u-01': error };
    const backend = new FakeBackend({ failures });
    const desk = await started(backend);
    const run = desk.provision('u-01');
    const key = await backend.plugBlank();
    await waitFor(() => expect(desk.job.step).toBe('touchKey'));
    await backend.demoTouchKey(key.id);
    await run;
    expect(desk.job.error).toEqual(error);
    expect(desk.queue.users[0]?.status).toBe('failed');

    delete failures['u-01'];
    const retry = desk.provision('u-01');
    await waitFor(() => expect(desk.job.step).toBe('touchKey'));
    await backend.demoTouchKey(key.id);
    await retry;
    expect(desk.job.phase).toBe('registered');
  });

  it('shows the queue error and recovers on retry', async () => {
    const desk = await started(new FakeBackend({ queueFailures: 1 }));
    expect(desk.queue.error?.kind).toBe('network');
    expect(desk.queue.error?.requestId).toBeTruthy();
    expect(desk.queue.users).toHaveLength(0);

    await desk.loadQueue();
    expect(desk.queue.error).toBeNull();
    expect(desk.queue.users.length).toBeGreaterThan(0);
  });

  it('reports demo-panel errors without throwing', async () => {
    const desk = await started(new FakeBackend({ demo: false }));
    await desk.plugKey();
    expect(desk.demoError?.message).toMatch(/Demo commands are off/);
  });
});

describe('Desk with a backend that did not start', () => {
  it('keeps the start-up error and asks for nothing more', async () => {
    const error: IpcError = {
      kind: 'dataFolderInUse',
      message: 'KeyDesk did not start: another KeyDesk (PID 4242) is using the data folder /data.',
      remediation: 'Close the other KeyDesk window, then start KeyDesk again.',
      requestId: null,
    };
    const backend = new FakeBackend();
    backend.appInfo = () => Promise.reject(error);
    const loadQueue = vi.spyOn(backend, 'loadQueue');
    const desk = await started(backend);
    expect(desk.startError).toEqual(error);
    expect(desk.info).toBeNull();
    expect(loadQueue).not.toHaveBeenCalled();
  });
});

describe('Desk with a backend that only rejects', () => {
  const rejecting = (error: unknown): Backend => ({
    appInfo: () =>
      Promise.resolve({
        demo: false,
        simulatedKeys: false,
        tenant: 't',
        group: 'g',
        signedIn: true,
        operator: null,
        cloud: 'Global',
        apiVersion: 'v1.0',
        metadata: 'built-in model table (no FIDO metadata BLOB)',
      }),
    connectionLoad: () => Promise.reject(error),
    signIn: () => Promise.reject(error),
    signOut: () => Promise.reject(error),
    batchStart: () => Promise.reject(error),
    batchStop: () => Promise.reject(error),
    tenantCheck: () => Promise.reject(error),
    groupSearch: () => Promise.reject(error),
    groupChoose: () => Promise.reject(error),
    usersFileLoad: () => Promise.reject(error),
    deskClaims: () => Promise.reject(error),
    settingsLoad: () => Promise.reject(error),
    settingsSave: () => Promise.reject(error),
    loadQueue: () =>
      Promise.resolve([{ id: 'a', upn: 'a@x', displayName: 'A', status: 'pending', detail: null }]),
    watchKeys: () => Promise.reject('keys_watch not allowed'),
    provision: () => Promise.reject(error),
    letterPrinted: () => Promise.reject(error),
    cancelProvision: () => Promise.reject(error),
    skipUser: () => Promise.reject(error),
    retryUser: () => Promise.reject(error),
    moveToTop: () => Promise.reject(error),
    inventoryList: () => Promise.reject(error),
    inventoryLost: () => Promise.reject(error),
    inventoryReturned: () => Promise.reject(error),
    auditExport: () => Promise.reject(error),
    auditVerify: () => Promise.reject(error),
    lettersPending: () => Promise.resolve([]),
    reprintLetter: () => Promise.reject(error),
    paperFolder: () => Promise.reject(error),
    lettersPdf: () => Promise.reject(error),
    lettersSave: () => Promise.reject(error),
    labelsSave: () => Promise.reject(error),
    tapSave: () => Promise.reject(error),
    phoneHandOut: () => Promise.reject(error),
    importYubico: () => Promise.reject(error),
    phoneCancel: () => Promise.reject(error),
    demoPhone: () => Promise.reject(error),
    reportSave: () => Promise.reject(error),
    batchSummarySave: () => Promise.reject(error),
    revokeKey: () => Promise.reject(error),
    passkeysList: () => Promise.reject(error),
    passkeyDelete: () => Promise.reject(error),
    attentionList: () => Promise.reject(error),
    attentionResolve: () => Promise.reject(error),
    demoPlugKey: () => Promise.reject(error),
    demoPullKey: () => Promise.reject(error),
    demoTouchKey: () => Promise.reject(error),
    demoModels: () => Promise.reject(error),
    demoReplugKey: () => Promise.reject(error),
    lockState: () => Promise.reject(error),
    lockNow: () => Promise.reject(error),
    unlock: () => Promise.reject(error),
    unlockSignIn: () => Promise.reject(error),
    stationPassphraseSet: () => Promise.reject(error),
  });

  it('shows a rejected IpcError as the job failure', async () => {
    const desk = await started(
      rejecting({
        kind: 'signIn',
        message: 'Token expired',
        remediation: 'Sign in again',
        requestId: null,
      }),
    );
    await desk.provision('a');
    expect(desk.job.error?.kind).toBe('signIn');
    expect(desk.queue.users[0]?.status).toBe('failed');
  });

  it('maps notEligible to skipped and restores the status on busy', async () => {
    let desk = await started(
      rejecting({ kind: 'notEligible', message: 'Guest user', remediation: '', requestId: null }),
    );
    await desk.provision('a');
    expect(desk.queue.users[0]).toMatchObject({ status: 'skipped', detail: 'Guest user' });

    desk = await started(
      rejecting({ kind: 'busy', message: 'Busy', remediation: '', requestId: null }),
    );
    await desk.provision('a');
    expect(desk.queue.users[0]?.status).toBe('pending');
  });

  it('keeps a registration in doubt apart from failures: needs attention, shown under Failed', async () => {
    const desk = await started(
      rejecting({
        kind: 'needsAttention',
        message: 'needs attention: candidates: m1, m2',
        remediation: 'Look at the user’s passkeys in Entra ID',
        requestId: null,
      }),
    );
    await desk.provision('a');
    expect(desk.queue.users[0]).toMatchObject({
      status: 'needsAttention',
      detail: 'needs attention: candidates: m1, m2',
    });
    expect(desk.queue.counts.needsAttention).toBe(1);
    expect(desk.queue.counts.failed).toBe(0);
  });

  it('shows a key-watch failure in the keys panel', async () => {
    const desk = await started(rejecting('x'));
    await waitFor(() => expect(desk.keys.error?.message).toBe('keys_watch not allowed'));
  });
});
