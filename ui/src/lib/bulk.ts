/**
 * Bulk actions over the marked users of the queue. *Skip* asks first (through the desk's
 * confirm dialog); *Retry failed* puts the marked failed users back to pending (nothing is
 * lost, so it does not ask); both call the backend once per user and update the queue in
 * one go. *Move to top* puts the marked users still to work first, in one call.
 */
import type { Desk } from './desk.svelte';
import { toIpcError } from './errors';
import { msg } from './messages';

/** Calls `one` for each id in turn, reporting progress on the queue's `bulkProgress`. */
async function each(
  desk: Desk,
  verb: 'skip' | 'retry',
  ids: string[],
  one: (id: string) => Promise<void>,
): Promise<{ done: string[]; failed: number }> {
  const done: string[] = [];
  let failed = 0;
  desk.actionError = null;
  desk.queue.bulkProgress = { verb, done: 0, total: ids.length };
  try {
    for (const id of ids) {
      try {
        await one(id);
        done.push(id);
      } catch (e) {
        failed += 1;
        desk.actionError = toIpcError(e);
      }
      desk.queue.bulkProgress = { verb, done: done.length + failed, total: ids.length };
    }
  } finally {
    desk.queue.bulkProgress = null;
  }
  return { done, failed };
}

/** The marked users a skip applies to: pending or failed, and not the one being worked. */
export function skippable(desk: Desk): string[] {
  return desk.queue
    .markedUsers()
    .filter(
      (u) =>
        (u.status === 'pending' || u.status === 'failed') &&
        !u.leftGroup &&
        u.id !== desk.job.userId,
    )
    .map((u) => u.id);
}

/** Skip the given users now; resolves with how many were skipped and how many refused. */
export async function skipUsers(
  desk: Desk,
  ids: string[],
): Promise<{ done: number; failed: number }> {
  const { done, failed } = await each(desk, 'skip', ids, (id) => desk.backend.skipUser(id));
  desk.queue.setStatuses(done, 'skipped', 'skipped by the operator');
  desk.queue.clearMarks();
  return { done: done.length, failed };
}

/** The marked users *Retry failed* applies to. */
export function retryable(desk: Desk): string[] {
  return desk.queue
    .markedUsers()
    .filter((u) => u.status === 'failed')
    .map((u) => u.id);
}

/** Put the marked failed users back to pending; `report` receives the sentence to announce. */
export async function retryMarked(desk: Desk, report: (text: string) => void): Promise<void> {
  const ids = retryable(desk);
  if (ids.length === 0) {
    report(msg.bulk.nothingToRetry);
    return;
  }
  const { done, failed } = await each(desk, 'retry', ids, (id) => desk.backend.retryUser(id));
  desk.queue.setStatuses(done, 'pending', null);
  desk.queue.clearMarks();
  report(failed === 0 ? msg.bulk.retried(done.length) : msg.bulk.retryFailed(done.length, failed));
}

/** Ask, then skip the marked users. `report` receives the sentence to announce. */
export function askSkipMarked(desk: Desk, report: (text: string) => void): void {
  const ids = skippable(desk);
  if (ids.length === 0) {
    report(msg.bulk.nothingToSkip);
    return;
  }
  desk.confirm = {
    title: msg.bulk.confirmSkip(ids.length),
    body: msg.bulk.confirmSkipBody,
    confirmLabel: msg.bulk.skip(ids.length),
    run: async () => {
      const { done, failed } = await skipUsers(desk, ids);
      report(failed === 0 ? msg.bulk.skipped(done) : msg.bulk.skipFailed(done, failed));
    },
  };
}

/** The marked users *Move to top* applies to: those still to work, in queue order. */
export function movable(desk: Desk): string[] {
  return desk.queue
    .markedUsers()
    .filter((u) => (u.status === 'pending' || u.status === 'failed') && !u.leftGroup)
    .map((u) => u.id);
}

/** Put the marked users still to work first in the queue; `report` receives the sentence. */
export async function moveMarkedToTop(desk: Desk, report: (text: string) => void): Promise<void> {
  const ids = movable(desk);
  if (ids.length === 0) {
    report(msg.bulk.nothingToMove);
    return;
  }
  desk.actionError = null;
  try {
    await desk.backend.moveToTop(ids);
  } catch (e) {
    desk.actionError = toIpcError(e);
    return;
  }
  desk.queue.moveToTop(ids);
  desk.queue.clearMarks();
  report(msg.bulk.movedToTop(ids.length));
}

/** The marked users, in queue order, as the phone screen takes them. */
export function markedUsers(desk: Desk): Array<{ id: string; upn: string; displayName: string }> {
  const marked = desk.queue.marked;
  return desk.queue.users
    .filter((u) => marked.has(u.id))
    .map((u) => ({ id: u.id, upn: u.upn, displayName: u.displayName }));
}

/** The marked registered users: those a key label can be printed for. */
export function labelable(desk: Desk): string[] {
  const marked = desk.queue.marked;
  return desk.queue.users
    .filter((u) => marked.has(u.id) && u.status === 'registered')
    .map((u) => u.id);
}
