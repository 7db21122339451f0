// Issue 14: a reload shows the users who left the group since their job started, marked
// "Left the group": never provisioned (no button, no move to top), their
// registration untouched; a member who left before any job simply leaves the queue.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBackend } from '../platform/fake';
import { $, cleanup, click, render, waitFor } from '../testing/render';
import { movable } from './bulk';
import { msg } from './messages';

afterEach(cleanup);

const row = (id: string) => $(`[data-testid="user-row"][data-id="${id}"]`);

describe('users who left the group', () => {
  it('stay in the reloaded queue marked, and cannot be provisioned', async () => {
    const backend = new FakeBackend();
    const desk = await render(backend);
    const registered = desk.queue.users.find((u) => u.status === 'registered')!;
    const [failed, untouched] = desk.queue.users.filter((u) => u.status === 'pending');
    await backend.skipUser(failed!.id);
    await desk.loadQueue();
    for (const id of [registered.id, failed!.id, untouched!.id]) backend.leaveGroup(id);
    expect(row(registered.id)?.querySelector('[data-testid="left-group"]')).toBeNull();

    click('[data-testid="queue-reload"]');
    await waitFor(() => expect(row(untouched!.id)).toBeNull());
    const mark = row(registered.id)?.querySelector('[data-testid="left-group"]');
    expect(mark?.textContent).toBe(msg.queue.leftGroup);
    expect(row(registered.id)?.dataset.status).toBe('registered');
    expect(row(failed!.id)?.querySelector('[data-testid="left-group"]')).not.toBeNull();

    click(`[data-testid="user-row"][data-id="${failed!.id}"]`);
    expect($('[data-testid="left-group-info"]')?.textContent).toContain(msg.queue.leftGroupNote);
    expect($('[data-testid="user-panel"]')?.textContent).not.toContain('being provisioned');
    expect($('[data-testid="provision"]')).toBeNull();
    desk.queue.marked = new Set([failed!.id]);
    expect(movable(desk)).toEqual([]);
    expect(desk.canProvision(failed!.id)).toBe(false);

    click(`[data-testid="user-row"][data-id="${registered.id}"]`);
    expect($('[data-testid="registered-info"]')).not.toBeNull();

    // A pending user with a job (moved to the top earlier) who left: a note, nothing to do.
    const moved = desk.queue.users.find((u) => u.status === 'pending')!;
    backend.users.find((u) => u.id === moved.id)!.leftGroup = true;
    click('[data-testid="queue-reload"]');
    await waitFor(() =>
      expect(row(moved.id)?.querySelector('[data-testid="left-group"]')).not.toBeNull(),
    );
    click(`[data-testid="user-row"][data-id="${moved.id}"]`);
    expect($('[data-testid="left-group-info"]')).not.toBeNull();
    expect($('[data-testid="user-panel"]')?.textContent).not.toContain('being provisioned');
    expect($('[data-testid="provision"]')).toBeNull();
    // The strip's "remaining" leaves out who left: they will not be worked.
    const counts = desk.queue.counts;
    desk.pace.record(Date.now());
    await waitFor(() => expect($('[data-testid="pace-strip"]')).not.toBeNull());
    expect($('[data-testid="pace-remaining"]')?.textContent).toBe(
      msg.pace.remaining(counts.pending + counts.inProgress + counts.failed - 1),
    );
  });
});
