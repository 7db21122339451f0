import { afterEach, describe, expect, it } from 'vitest';
import { FakeBackend } from '../platform/fake';
import { manyUsers } from '../platform/fake-users';
import { $, cleanup, render, waitFor } from '../testing/render';
import { msg } from './messages';
import { Pace, paceFigures, WINDOW_MS } from './pace.svelte';

const MIN = 60_000;

describe('paceFigures', () => {
  it('counts users per hour over the last 10 minutes and the time left at that pace', () => {
    const now = 60 * MIN;
    // One every 2 minutes for the last 10 minutes (5), and older ones that no longer count.
    const doneAt = [5 * MIN, 20 * MIN, 52 * MIN, 54 * MIN, 56 * MIN, 58 * MIN, 60 * MIN];
    const f = paceFigures(doneAt, 60, 0, now);
    expect(f.recent).toBe(5);
    expect(f.perHour).toBe(30);
    expect(f.leftMs).toBe(2 * 60 * MIN); // 60 users at 30 an hour
  });

  it('uses the time observed when the session is younger than the window', () => {
    const f = paceFigures([1 * MIN, 2 * MIN, 3 * MIN], 10, 0, 4 * MIN);
    expect(f.perHour).toBe(45); // 3 in 4 minutes
  });

  it('says nothing about the pace in the first minute or with nothing registered lately', () => {
    expect(paceFigures([10_000], 5, 0, 30_000)).toEqual({ recent: 1, perHour: null, leftMs: null });
    expect(paceFigures([MIN], 5, 0, MIN + WINDOW_MS)).toEqual({
      recent: 0,
      perHour: null,
      leftMs: null,
    });
  });

  it('has no time left when nobody remains', () => {
    expect(paceFigures([5 * MIN], 0, 0, 6 * MIN).leftMs).toBe(0);
  });
});

describe('Pace', () => {
  it('keeps only the registrations the window can still count', () => {
    const pace = new Pace(0);
    pace.record(MIN);
    pace.record(MIN + WINDOW_MS + 1);
    expect(pace.doneAt).toEqual([MIN + WINDOW_MS + 1]);
    expect(pace.active(MIN + WINDOW_MS + 2)).toBe(true);
    expect(pace.active(MIN + 2 * WINDOW_MS + 2)).toBe(false);
  });
});

describe('the dashboard strip', () => {
  afterEach(cleanup);

  it('appears with the first registration: registered, remaining, then the pace', async () => {
    const desk = await render(new FakeBackend({ users: manyUsers(100) }));
    expect($('[data-testid="pace-strip"]')).toBeNull();
    const counts = desk.queue.counts;
    const remaining = counts.pending + counts.inProgress + counts.failed;
    const user = desk.queue.users.find((u) => u.status === 'pending')!;
    desk.queue.setStatus(user.id, 'registered', null);
    desk.pace.record(Date.now());
    await waitFor(() => expect($('[data-testid="pace-strip"]')).not.toBeNull());
    expect($('[data-testid="pace-done"]')?.textContent).toBe(msg.pace.done(counts.registered + 1));
    expect($('[data-testid="pace-remaining"]')?.textContent).toBe(
      msg.pace.remaining(remaining - 1),
    );
    expect($('[data-testid="pace-rate"]')?.textContent).toBe(msg.pace.warming);
    expect($('[data-testid="pace-left"]')).toBeNull();
  });
});
