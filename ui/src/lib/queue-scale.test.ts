// The queue at the size of an onboarding event: search, exact-status filters, sort, marks
// and bulk skip over 10,000 generated users, and the virtualised list's DOM.
import { describe, expect, it, vi } from 'vitest';
import { FakeBackend } from '../platform/fake';
import { manyUsers } from '../platform/fake-users';
import { $, $$, cleanup, click, key, render } from '../testing/render';
import { askSkipMarked, moveMarkedToTop, skippable } from './bulk';
import { Desk } from './desk.svelte';
import { msg, num } from './messages';
import { countStatuses, Queue, visibleUsers } from './queue.svelte';

describe('Queue search, status filters and sort', () => {
  const users = manyUsers(10_000);

  it('generates a deterministic group with every status', () => {
    expect(manyUsers(10_000)).toEqual(users);
    expect(new Set(users.map((u) => u.id)).size).toBe(10_000);
    const counts = countStatuses(users);
    for (const n of Object.values(counts).filter((_, i) => i !== 1)) expect(n).toBeGreaterThan(0);
  });

  it('searches name and UPN, case-insensitive, every word must match', () => {
    const hits = visibleUsers(users, 'all', 'MEGAN bowen', 'queue');
    expect(hits.length).toBeGreaterThan(0);
    for (const u of hits) expect(u.displayName.toLowerCase()).toMatch(/megan.*bowen/);
    expect(visibleUsers(users, 'all', 'megan.bowen.', 'queue')).toEqual(hits);
    expect(visibleUsers(users, 'all', 'nobody-like-this', 'queue')).toHaveLength(0);
  });

  it('searches the department too, alone or with a name', () => {
    const ward = visibleUsers(users, 'all', 'WARD 4', 'queue');
    expect(ward.length).toBeGreaterThan(1000);
    expect(ward.length).toBeLessThan(5000);
    for (const u of ward) expect(u.department).toBe('Ward 4');
    const megans = visibleUsers(users, 'all', 'megan ward', 'queue');
    expect(megans.length).toBeGreaterThan(0);
    for (const u of megans) {
      expect(u.displayName).toMatch(/^Megan /);
      expect(u.department).toBe('Ward 4');
    }
  });

  it('filters by one exact status and keeps the counts live', () => {
    const q = new Queue();
    q.setUsers(users);
    q.filter = 'status:failed';
    expect(q.visible.length).toBe(q.counts.failed);
    expect(q.visible.every((u) => u.status === 'failed')).toBe(true);
    const before = q.filterCounts['status:failed'];
    q.setStatus(q.visible[0]!.id, 'skipped', null);
    expect(q.filterCounts['status:failed']).toBe(before - 1);
    expect(q.visible.length).toBe(before - 1);
  });

  it('sorts by name, UPN and status (stable within a status)', () => {
    const byName = visibleUsers(users.slice(0, 200), 'all', '', 'name');
    const names = byName.map((u) => u.displayName);
    expect(names).toEqual(
      [...names].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })),
    );
    const byStatus = visibleUsers(users.slice(0, 200), 'all', '', 'status');
    expect(byStatus[0]?.status).toBe('pending');
    const pend = byStatus.filter((u) => u.status === 'pending').map((u) => u.id);
    expect(pend).toEqual([...pend].sort());
  });

  it('marks one, a range and all shown; a reload drops marks for users who left', () => {
    const q = new Queue();
    q.setUsers(users.slice(0, 50));
    q.toggleMark('m-00001');
    q.toggleMark('m-00001');
    expect(q.marked.size).toBe(0);
    q.markRange('m-00003', 'm-00007');
    expect([...q.marked]).toEqual(['m-00003', 'm-00004', 'm-00005', 'm-00006', 'm-00007']);
    q.filter = 'status:pending';
    q.markVisible();
    expect(q.marked.size).toBeGreaterThan(5);
    q.setUsers(users.slice(0, 4));
    expect(
      [...q.marked].every((id) => ['m-00001', 'm-00002', 'm-00003', 'm-00004'].includes(id)),
    ).toBe(true);
    q.clearMarks();
    expect(q.marked.size).toBe(0);
  });
});

describe('bulk skip', () => {
  it('asks first, skips only pending and failed marked users, and reports', async () => {
    const backend = new FakeBackend({ users: manyUsers(10_000) });
    const desk = new Desk(backend);
    await desk.start();
    desk.queue.markVisible();
    const ids = skippable(desk);
    const expected = desk.queue.counts.pending + desk.queue.counts.failed;
    expect(ids.length).toBe(expected);
    let said = '';
    // Progress shows while the calls run.
    const seen: number[] = [];
    const skipUser = backend.skipUser.bind(backend);
    backend.skipUser = (id) => {
      seen.push(desk.queue.bulkProgress?.total ?? -1);
      return skipUser(id);
    };
    askSkipMarked(desk, (t) => (said = t));
    expect(desk.confirm?.title).toBe(msg.bulk.confirmSkip(expected));
    await desk.answer(true);
    expect(new Set(seen)).toEqual(new Set([expected]));
    expect(desk.queue.bulkProgress).toBeNull();
    expect(said).toBe(msg.bulk.skipped(expected));
    expect(desk.queue.counts.pending).toBe(0);
    expect(desk.queue.counts.failed).toBe(0);
    expect(desk.queue.marked.size).toBe(0);
    expect(backend.users.filter((u) => u.status === 'skipped').length).toBe(
      desk.queue.counts.skipped,
    );
  });

  it('says so when nothing marked can be skipped', async () => {
    const desk = new Desk(new FakeBackend());
    await desk.start();
    const done = desk.queue.users.find((u) => u.status === 'registered')!;
    desk.queue.toggleMark(done.id);
    let said = '';
    askSkipMarked(desk, (t) => (said = t));
    expect(desk.confirm).toBeNull();
    expect(said).toBe(msg.bulk.nothingToSkip);
  });
});

describe('bulk move to top', () => {
  it('puts the marked users still to work first, in queue order, and a reload keeps it', async () => {
    const backend = new FakeBackend({ users: manyUsers(10_000) });
    const desk = new Desk(backend);
    await desk.start();
    const users = desk.queue.users;
    const pending = users.filter((u) => u.status === 'pending').slice(-2);
    const failed = users.find((u) => u.status === 'failed')!;
    const registered = users.find((u) => u.status === 'registered')!;
    for (const u of [pending[1]!, registered, failed, pending[0]!]) desk.queue.toggleMark(u.id);
    let said = '';
    await moveMarkedToTop(desk, (t) => (said = t));
    // Queue order among the marked (not the order they were marked in); the registered
    // user keeps its place among the rest.
    const inQueueOrder = users.filter((u) => [failed, ...pending].includes(u)).map((u) => u.id);
    const rest = users.filter((u) => !inQueueOrder.includes(u.id)).map((u) => u.id);
    expect(desk.queue.users.map((u) => u.id)).toEqual([...inQueueOrder, ...rest]);
    expect(said).toBe(msg.bulk.movedToTop(3));
    expect(desk.queue.marked.size).toBe(0);
    await desk.loadQueue();
    expect(desk.queue.users.slice(0, 3).map((u) => u.id)).toEqual(inQueueOrder);
    expect(desk.queue.users).toHaveLength(10_000);
  });

  it('says so when nothing marked is still to work, and moves nothing', async () => {
    const desk = new Desk(new FakeBackend());
    await desk.start();
    const before = desk.queue.users.map((u) => u.id);
    desk.queue.toggleMark(desk.queue.users.find((u) => u.status === 'registered')!.id);
    let said = '';
    await moveMarkedToTop(desk, (t) => (said = t));
    expect(said).toBe(msg.bulk.nothingToMove);
    expect(desk.queue.users.map((u) => u.id)).toEqual(before);
  });

  it("is an item of the bulk bar's menu that reorders the list on screen", async () => {
    const desk = await render(new FakeBackend({ users: manyUsers(200) }));
    const last = desk.queue.users.filter((u) => u.status === 'pending').at(-1)!;
    desk.queue.toggleMark(last.id);
    await Promise.resolve();
    click('[data-testid="bulk-more"]');
    await Promise.resolve();
    click('[data-testid="bulk-top"]');
    await vi.waitFor(() => expect($$('[data-testid="user-row"]')[0]?.dataset.id).toBe(last.id));
    expect($('[data-testid="queue-report"]')?.textContent).toBe(msg.bulk.movedToTop(1));
    cleanup();
  });
});

describe('the queue panel at 10,000 users', () => {
  it('renders only a window of rows, with the set size, and one Tab stop', async () => {
    const desk = await render(new FakeBackend({ users: manyUsers(10_000) }));
    const rows = $$('[data-testid="user-row"]');
    expect(rows.length).toBeLessThan(40);
    expect(rows[0]?.getAttribute('aria-setsize')).toBe('10000');
    expect(rows.filter((r) => r.tabIndex === 0)).toHaveLength(1);
    expect($('[data-testid="queue-total"]')?.textContent).toBe(msg.queue.total(10_000));

    // End goes to the last row: it is rendered, focused and the only Tab stop.
    key($('[data-testid="user-list"]')!, 'End');
    expect(document.activeElement?.getAttribute('aria-posinset')).toBe('10000');
    expect(desk.queue.selectedId).toBe('m-10000');
    cleanup();
  });

  it('searches as you type and marks with Space', async () => {
    const desk = await render(new FakeBackend({ users: manyUsers(10_000) }));
    const input = $<HTMLInputElement>('[data-testid="queue-search"]')!;
    input.value = 'pradeep gupta';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await Promise.resolve();
    const shown = Number($('[data-testid="queue-total"]')?.dataset.shown);
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(10_000);
    expect($('[data-testid="queue-total"]')?.textContent).toBe(msg.queue.shown(shown, 10_000));
    for (const r of $$('[data-testid="user-row"]')) expect(r.dataset.upn).toMatch(/pradeep\.gupta/);

    key(input, 'ArrowDown');
    const row = document.activeElement as HTMLElement;
    expect(row.dataset.testid).toBe('user-row');
    key(row, ' ');
    expect(row.getAttribute('aria-checked')).toBe('true');
    expect($('[data-testid="marked-count"]')?.textContent).toBe(msg.bulk.markedShort(1));
    click('[data-testid="bulk-clear"]');
    expect($('[data-testid="bulk-bar"]')).toBeNull();
    expect(desk.queue.marked.size).toBe(0);
    cleanup();
  });

  it('finds users by department as you type and shows it on each row', async () => {
    await render(new FakeBackend({ users: manyUsers(10_000) }));
    const input = $<HTMLInputElement>('[data-testid="queue-search"]')!;
    expect(input.placeholder).toBe(msg.queue.searchPlaceholder);
    input.value = 'facilities';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await Promise.resolve();
    const rows = $$('[data-testid="user-row"]');
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.querySelector('[data-testid="user-department"]')?.textContent).toMatch(/Facilities/);
    }
    cleanup();
  });

  it('formats numbers in the locale', () => {
    expect(num(10_000)).toBe(new Intl.NumberFormat(navigator.language).format(10_000));
  });
});
