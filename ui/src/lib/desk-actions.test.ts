// The desk's actions around a job: leaving an unconfirmed PIN, reprint, skip, cancel,
// lost and replaced keys, and which key serves whom.
import { describe, expect, it, vi } from 'vitest';
import { FakeBackend } from '../platform/fake';
import { Desk } from './desk.svelte';

const waitFor = (check: () => void) => vi.waitFor(check, { timeout: 2000, interval: 5 });

async function registeredDesk() {
  const backend = new FakeBackend();
  const desk = new Desk(backend);
  await desk.start();
  const userId = desk.queue.selectedId!;
  const run = desk.provision(userId);
  const key = await backend.plugBlank();
  await waitFor(() => expect(desk.job.step).toBe('touchKey'));
  await desk.touchKey(key.id);
  await run;
  return { backend, desk, userId, key };
}

describe('Desk actions', () => {
  it('asks before leaving an unconfirmed PIN; the PIN stays in Letters to print', async () => {
    const { desk, userId } = await registeredDesk();
    desk.requestNext();
    expect(desk.confirm?.title).toMatch(/without a confirmed letter/);
    expect(desk.job.phase).toBe('registered');

    await desk.answer(false);
    expect(desk.confirm).toBeNull();
    expect(desk.job.phase).toBe('registered');

    desk.requestNext();
    await desk.answer(true);
    expect(desk.job.phase).toBe('idle');
    expect(desk.letter.letter).toBeNull();
    expect(desk.letters.list.map((l) => l.userId)).toEqual([userId]);
    expect(desk.focusRequest).toBe('provision');
  });

  it('goes straight on once the letter is confirmed', async () => {
    const { desk } = await registeredDesk();
    desk.print();
    await desk.confirmPrinted();
    desk.requestNext();
    expect(desk.confirm).toBeNull();
    expect(desk.job.phase).toBe('idle');
  });

  it('reprints a sealed PIN, and refuses once the letter is confirmed', async () => {
    const { desk, userId, backend } = await registeredDesk();
    const pin = desk.job.registered!.pin;
    desk.requestNext();
    await desk.answer(true);

    await desk.reprint(userId);
    expect(desk.letter.reprint).toBe(true);
    expect(desk.letter.letter?.pin).toBe(pin);
    expect(desk.queue.selectedId).toBe(userId);
    desk.print();
    await desk.confirmPrinted();
    expect(backend.escrow.has(userId)).toBe(false);

    desk.next();
    await desk.reprint(userId);
    expect(desk.actionError?.kind).toBe('escrowUnavailable');
  });

  it('skips a user as Skipped, not Failed', async () => {
    const desk = new Desk(new FakeBackend());
    await desk.start();
    const userId = desk.queue.selectedId!;
    await desk.skip(userId);
    expect(desk.queue.users.find((u) => u.id === userId)?.status).toBe('skipped');
    expect(desk.queue.selectedId).not.toBe(userId);
  });

  it('cancels while waiting for a key', async () => {
    const desk = new Desk(new FakeBackend());
    await desk.start();
    const userId = desk.queue.selectedId!;
    const run = desk.provision(userId);
    await waitFor(() => expect(desk.job.step).toBe('insertKey'));
    await desk.cancel();
    await run;
    expect(desk.job.phase).toBe('failed');
    expect(desk.job.error?.kind).toBe('cancelled');
  });

  it('names the user a key serves, marks it assigned, and ignores a touch on an idle key', async () => {
    const { desk, key, backend } = await registeredDesk();
    const name = desk.job.registered!.displayName;
    expect(desk.keys.serving[key.id]).toBe(name);
    expect(desk.keys.used[key.id]).toBe(true);
    expect(desk.keys.label(key.id)).toBe(`${key.model} · ${key.serial}`);

    await desk.touchKey(key.id);
    expect(desk.keys.notice[key.id]).toBe(`Touch ignored: this key is assigned to ${name}.`);
    const idle = await backend.plugBlank();
    await desk.touchKey(idle.id);
    expect(desk.keys.notice[idle.id]).toMatch(/not in use/);
  });

  it('reports a key lost after confirmation, and replaces a key by provisioning again', async () => {
    const { desk, userId, backend } = await registeredDesk();
    desk.next();
    desk.requestRevoke(userId, false);
    expect(desk.confirm?.danger).toBe(true);
    await desk.answer(true);
    expect(desk.queue.users.find((u) => u.id === userId)?.status).toBe('revoked');
    expect(backend.escrow.has(userId)).toBe(false);

    const other = desk.queue.users.find((u) => u.status === 'registered')!;
    desk.requestRevoke(other.id, true);
    void desk.answer(true);
    await waitFor(() => expect(desk.job.step).toBe('insertKey'));
    expect(desk.job.userId).toBe(other.id);
  });
});
