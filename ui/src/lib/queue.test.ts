import { describe, expect, it } from 'vitest';
import type { QueueUser } from '../bindings/QueueUser';
import { countStatuses, Queue } from './queue.svelte';

function user(id: string, status: QueueUser['status'] = 'pending'): QueueUser {
  return { id, upn: `${id}@contoso.com`, displayName: id.toUpperCase(), status, detail: null };
}

describe('Queue', () => {
  it('selects the first pending user when loaded', () => {
    const q = new Queue();
    q.setUsers([user('a', 'registered'), user('b'), user('c')]);
    expect(q.selectedId).toBe('b');
  });

  it('keeps the selection across a reload when the user is still there', () => {
    const q = new Queue();
    q.setUsers([user('a'), user('b'), user('c')]);
    q.select('c');
    q.setUsers([user('a'), user('b'), user('c', 'registered')]);
    expect(q.selectedId).toBe('c');
  });

  it('counts users per status', () => {
    expect(
      countStatuses([
        user('a'),
        user('b', 'failed'),
        user('c'),
        user('d', 'skipped'),
        user('e', 'revoked'),
      ]),
    ).toEqual({
      pending: 2,
      inProgress: 0,
      registered: 0,
      failed: 1,
      skipped: 1,
      needsAttention: 0,
      revoked: 1,
    });
  });

  it('filters: pending includes in progress, done includes skipped', () => {
    const q = new Queue();
    q.setUsers([
      user('a'),
      user('b', 'inProgress'),
      user('c', 'registered'),
      user('d', 'skipped'),
      user('e', 'failed'),
    ]);
    q.filter = 'pending';
    expect(q.visible.map((u) => u.id)).toEqual(['a', 'b']);
    q.filter = 'done';
    expect(q.visible.map((u) => u.id)).toEqual(['c', 'd']);
    q.filter = 'failed';
    expect(q.visible.map((u) => u.id)).toEqual(['e']);
    q.filter = 'all';
    expect(q.visible).toHaveLength(5);
  });

  it('finds the next pending user after the current one, wrapping around', () => {
    const q = new Queue();
    q.setUsers([user('a'), user('b', 'registered'), user('c'), user('d', 'failed')]);
    expect(q.nextPending('a')?.id).toBe('c');
    expect(q.nextPending('c')?.id).toBe('a');
    expect(q.nextPending(null)?.id).toBe('a');
  });

  it('has no next pending user when everyone is done', () => {
    const q = new Queue();
    q.setUsers([user('a', 'registered'), user('b', 'skipped')]);
    expect(q.nextPending('a')).toBeNull();
  });

  it('updates a status in place', () => {
    const q = new Queue();
    q.setUsers([user('a'), user('b')]);
    q.setStatus('a', 'failed', 'Key removed');
    expect(q.users[0]).toMatchObject({ status: 'failed', detail: 'Key removed' });
    expect(q.counts.failed).toBe(1);
  });

  it('moves the selection within the visible rows and stops at the ends', () => {
    const q = new Queue();
    q.setUsers([user('a'), user('b', 'registered'), user('c')]);
    q.filter = 'pending';
    q.select('a');
    q.moveSelection(1);
    expect(q.selectedId).toBe('c');
    q.moveSelection(1);
    expect(q.selectedId).toBe('c');
    q.moveSelection(-1);
    expect(q.selectedId).toBe('a');
  });
});

describe('Queue filters and keyboard', () => {
  it('counts per filter exactly what each filter shows', () => {
    const q = new Queue();
    q.setUsers([
      user('a'),
      user('b', 'inProgress'),
      user('c', 'registered'),
      user('d', 'skipped'),
      user('e', 'failed'),
      user('f', 'needsAttention'),
    ]);
    for (const filter of ['all', 'pending', 'done', 'failed'] as const) {
      q.filter = filter;
      expect(q.filterCounts[filter]).toBe(q.visible.length);
    }
    expect(q.filterCounts).toMatchObject({ all: 6, pending: 2, done: 2, failed: 2 });
    expect(q.filterCounts['status:needsAttention']).toBe(1);
  });

  it('says when the filter hides the selected user', () => {
    const q = new Queue();
    q.setUsers([user('a'), user('b', 'registered')]);
    q.select('a');
    expect(q.selectedHidden).toBe(false);
    q.filter = 'done';
    expect(q.selectedHidden).toBe(true);
    expect(q.selectedId).toBe('a');
  });

  it('jumps by type-ahead and moves to the ends', () => {
    const q = new Queue();
    q.setUsers([
      { ...user('1'), displayName: 'Adele Vance' },
      { ...user('2'), displayName: 'Megan Bowen' },
      { ...user('3'), displayName: 'Miriam Graham' },
    ]);
    expect(q.selectByPrefix('m')).toBe(true);
    expect(q.selected?.displayName).toBe('Megan Bowen');
    expect(q.selectByPrefix('m')).toBe(true);
    expect(q.selected?.displayName).toBe('Miriam Graham');
    expect(q.selectByPrefix('meg')).toBe(true);
    expect(q.selected?.displayName).toBe('Megan Bowen');
    expect(q.selectByPrefix('zz')).toBe(false);
    q.moveSelection('first');
    expect(q.selectedId).toBe('1');
    q.moveSelection('last');
    expect(q.selectedId).toBe('3');
  });
});
