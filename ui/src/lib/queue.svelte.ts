/**
 * The queue: the group's users, their statuses, the filter, search and sort, the selection
 * (the one current user) and the marks (users ticked for a bulk action). Plain reactive state
 * (Svelte runes) with no knowledge of the backend, so it is tested without a DOM.
 *
 * Built for 10,000 users: `users` is `$state.raw` (no per-object proxies; a status change
 * replaces one object and the array), each user's search text is lower-cased once and kept
 * in a WeakMap, and the panel renders only the rows in view.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- these Sets are built, then assigned to $state.raw fields whole (never mutated afterwards), which is cheaper than a SvelteSet over 10,000 ids */
import type { DeskClaim } from '../bindings/DeskClaim';
import type { IpcError } from '../bindings/IpcError';
import type { QueueUser } from '../bindings/QueueUser';
import type { UserStatus } from '../bindings/UserStatus';
import { FILTERS, matchesFilter, STATUS_ORDER, type QueueFilter } from './status';

export type QueueCounts = Record<UserStatus, number>;
export type QueueSort = 'queue' | 'name' | 'upn' | 'status';

const haystacks = new WeakMap<QueueUser, string>();

/** The lower-case text a search looks in (name, UPN, department), once per user object. */
function haystack(user: QueueUser): string {
  let text = haystacks.get(user);
  if (text === undefined) {
    text = `${user.displayName}\n${user.upn}\n${user.department ?? ''}`.toLowerCase();
    haystacks.set(user, text);
  }
  return text;
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

export class Queue {
  users = $state.raw<QueueUser[]>([]);
  loading = $state(false);
  error = $state<IpcError | null>(null);
  filter = $state<QueueFilter>('all');
  search = $state('');
  sort = $state<QueueSort>('queue');
  selectedId = $state<string | null>(null);
  /** A bulk action under way: how far it is. */
  bulkProgress = $state<{ verb: 'skip' | 'retry'; done: number; total: number } | null>(null);
  /** Ids marked for a bulk action. Replaced, never mutated, so readers update. */
  marked = $state.raw<ReadonlySet<string>>(new Set());

  readonly visible = $derived(visibleUsers(this.users, this.filter, this.search, this.sort));
  readonly selected = $derived(this.users.find((u) => u.id === this.selectedId) ?? null);
  readonly counts = $derived(countStatuses(this.users));
  /** Pending or failed users who left the group: counted by status, but never to be worked. */
  readonly leftToWork = $derived(
    this.users.filter((u) => u.leftGroup && (u.status === 'pending' || u.status === 'failed'))
      .length,
  );
  /** Users per filter tab: each tile's number is exactly what its filter shows. */
  readonly filterCounts = $derived(countFilters(this.counts));
  /** The selected user exists but the filter or search hides their row (the panel says so). */
  readonly selectedHidden = $derived(
    this.selected !== null && !this.visible.some((u) => u.id === this.selectedId),
  );

  /** Replace the users, keeping the selection when that user is still there. */
  setUsers(users: QueueUser[]): void {
    this.users = users;
    this.error = null;
    const ids = new Set(users.map((u) => u.id));
    if (this.selectedId === null || !ids.has(this.selectedId)) {
      this.selectedId =
        (users.find((u) => u.status === 'pending' && !u.leftGroup) ?? users[0])?.id ?? null;
    }
    if (this.marked.size > 0) this.marked = new Set([...this.marked].filter((id) => ids.has(id)));
  }

  select(id: string): void {
    if (this.users.some((u) => u.id === id)) this.selectedId = id;
  }

  /** Show every user again: no filter, no search. */
  showAll(): void {
    this.filter = 'all';
    this.search = '';
  }

  /** Move the selection within the visible rows (arrow keys, Home, End, Page keys). */
  moveSelection(delta: number | 'first' | 'last'): void {
    const rows = this.visible;
    if (rows.length === 0) return;
    const at = rows.findIndex((u) => u.id === this.selectedId);
    const next =
      delta === 'first'
        ? 0
        : delta === 'last'
          ? rows.length - 1
          : at < 0
            ? 0
            : Math.min(rows.length - 1, Math.max(0, at + delta));
    this.selectedId = rows[next]?.id ?? null;
  }

  /**
   * Type-ahead: select the next visible user (after the selected one, wrapping) whose
   * display name or UPN starts with `prefix`. Returns whether one was found.
   */
  selectByPrefix(prefix: string): boolean {
    const p = prefix.toLowerCase();
    if (!p) return false;
    const rows = this.visible;
    const at = rows.findIndex((u) => u.id === this.selectedId);
    // A one-letter prefix moves on from the current row; a longer one may stay on it.
    const from = p.length === 1 ? at + 1 : Math.max(at, 0);
    for (let i = 0; i < rows.length; i++) {
      const user = rows[(from + i) % rows.length];
      const hit =
        user &&
        (user.displayName.toLowerCase().startsWith(p) || user.upn.toLowerCase().startsWith(p));
      if (hit) {
        this.selectedId = user.id;
        return true;
      }
    }
    return false;
  }

  setStatus(id: string, status: UserStatus, detail: string | null): void {
    this.setStatuses([id], status, detail);
  }

  /**
   * Which users other desks on the shared store are working now (user id → desk): each
   * row says "at <desk>" until the desk lets the user go. One update, only when it changed.
   */
  setDesks(claims: readonly DeskClaim[]): void {
    const held: Partial<Record<string, string>> = Object.fromEntries(
      claims.map((c) => [c.userId, c.desk]),
    );
    let changed = false;
    const next = this.users.map((u) => {
      const desk = held[u.id];
      if (desk === u.atDesk) return u;
      changed = true;
      const { atDesk: _gone, ...rest } = u;
      return desk === undefined ? rest : { ...rest, atDesk: desk };
    });
    if (changed) this.users = next;
  }

  /** One status for many users in one update (a bulk action over thousands of rows). */
  setStatuses(ids: Iterable<string>, status: UserStatus, detail: string | null): void {
    const wanted = new Set(ids);
    if (wanted.size === 0) return;
    let changed = false;
    const next = this.users.map((u) => {
      if (!wanted.has(u.id)) return u;
      changed = true;
      return { ...u, status, detail };
    });
    if (changed) this.users = next;
  }

  /** Put these users (in this order) ahead of everyone, as the backend just did. */
  moveToTop(ids: readonly string[]): void {
    const wanted = new Set(ids);
    const byId = new Map(this.users.map((u) => [u.id, u]));
    const ahead = ids.flatMap((id) => byId.get(id) ?? []);
    this.users = [...ahead, ...this.users.filter((u) => !wanted.has(u.id))];
  }

  /** Mark or unmark one user for a bulk action. */
  toggleMark(id: string): void {
    const next = new Set(this.marked);
    if (!next.delete(id)) next.add(id);
    this.marked = next;
  }

  /** Mark the visible rows from `fromId` to `toId` (shift-click), keeping other marks. */
  markRange(fromId: string, toId: string): void {
    const rows = this.visible;
    const a = rows.findIndex((u) => u.id === fromId);
    const b = rows.findIndex((u) => u.id === toId);
    if (a < 0 || b < 0) return;
    const next = new Set(this.marked);
    for (let i = Math.min(a, b); i <= Math.max(a, b); i++) next.add(rows[i]!.id);
    this.marked = next;
  }

  /** Mark every visible row. */
  markVisible(): void {
    const next = new Set(this.marked);
    for (const u of this.visible) next.add(u.id);
    this.marked = next;
  }

  clearMarks(): void {
    if (this.marked.size > 0) this.marked = new Set();
  }

  /** The marked users, in queue order. */
  markedUsers(): QueueUser[] {
    return this.users.filter((u) => this.marked.has(u.id));
  }

  /** The next pending user after `afterId` in queue order, wrapping around; null when none. */
  nextPending(afterId: string | null): QueueUser | null {
    const start = this.users.findIndex((u) => u.id === afterId);
    for (let i = 1; i <= this.users.length; i++) {
      const user = this.users[(start + i + this.users.length) % this.users.length];
      if (user && user.status === 'pending' && !user.leftGroup && user.id !== afterId) return user;
    }
    return null;
  }
}

/** The rows a filter, a search (every word must appear) and a sort leave, in order. */
export function visibleUsers(
  users: readonly QueueUser[],
  filter: QueueFilter,
  search: string,
  sort: QueueSort,
): QueueUser[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const rows = users.filter((u) => {
    if (!matchesFilter(u.status, filter)) return false;
    if (words.length === 0) return true;
    const text = haystack(u);
    return words.every((w) => text.includes(w));
  });
  switch (sort) {
    case 'queue':
      return rows;
    case 'name':
      return rows.sort((a, b) => collator.compare(a.displayName, b.displayName));
    case 'upn':
      return rows.sort((a, b) => collator.compare(a.upn, b.upn));
    case 'status': {
      const rank = (u: QueueUser) => STATUS_ORDER.indexOf(u.status);
      return rows.sort((a, b) => rank(a) - rank(b)); // stable: queue order within a status
    }
  }
}

export function countStatuses(users: readonly QueueUser[]): QueueCounts {
  const counts: QueueCounts = {
    pending: 0,
    inProgress: 0,
    registered: 0,
    failed: 0,
    skipped: 0,
    needsAttention: 0,
    revoked: 0,
  };
  for (const u of users) counts[u.status] += 1;
  return counts;
}

/** Users per grouped tab, from the per-status counts. */
export function countFilters(counts: QueueCounts): Record<QueueFilter, number> {
  const out = {} as Record<QueueFilter, number>;
  for (const f of FILTERS) out[f.id] = 0;
  for (const status of STATUS_ORDER) {
    out[`status:${status}`] = counts[status];
    for (const f of FILTERS) if (matchesFilter(status, f.id)) out[f.id] += counts[status];
  }
  return out;
}
