/**
 * The queue: the group's users, their statuses, the filter and the selection.
 * Plain reactive state (Svelte runes) with no knowledge of the backend, so it is tested
 * without a DOM.
 */
import type { IpcError } from '../bindings/IpcError';
import type { QueueUser } from '../bindings/QueueUser';
import type { UserStatus } from '../bindings/UserStatus';
import { FILTERS, matchesFilter, type QueueFilter } from './status';

export type QueueCounts = Record<UserStatus, number>;

export class Queue {
  users = $state<QueueUser[]>([]);
  loading = $state(false);
  error = $state<IpcError | null>(null);
  filter = $state<QueueFilter>('all');
  selectedId = $state<string | null>(null);

  readonly visible = $derived(this.users.filter((u) => matchesFilter(u.status, this.filter)));
  readonly selected = $derived(this.users.find((u) => u.id === this.selectedId) ?? null);
  readonly counts = $derived(countStatuses(this.users));
  /** Users per filter tab: each tile's number is exactly what its filter shows. */
  readonly filterCounts = $derived(countFilters(this.users));
  /** The selected user exists but the filter hides their row (the panel says so). */
  readonly selectedHidden = $derived(
    this.selected !== null && !this.visible.some((u) => u.id === this.selectedId),
  );

  /** Replace the users, keeping the selection when that user is still there. */
  setUsers(users: QueueUser[]): void {
    this.users = users;
    this.error = null;
    if (!users.some((u) => u.id === this.selectedId)) {
      this.selectedId = (users.find((u) => u.status === 'pending') ?? users[0])?.id ?? null;
    }
  }

  select(id: string): void {
    if (this.users.some((u) => u.id === id)) this.selectedId = id;
  }

  /** Move the selection within the visible rows (arrow keys, Home, End). */
  moveSelection(delta: 1 | -1 | 'first' | 'last'): void {
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
    const user = this.users.find((u) => u.id === id);
    if (user) {
      user.status = status;
      user.detail = detail;
    }
  }

  /** The next pending user after `afterId` in queue order, wrapping around; null when none. */
  nextPending(afterId: string | null): QueueUser | null {
    const start = this.users.findIndex((u) => u.id === afterId);
    for (let i = 1; i <= this.users.length; i++) {
      const user = this.users[(start + i + this.users.length) % this.users.length];
      if (user && user.status === 'pending' && user.id !== afterId) return user;
    }
    return null;
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
  };
  for (const u of users) counts[u.status] += 1;
  return counts;
}

export function countFilters(users: readonly QueueUser[]): Record<QueueFilter, number> {
  const counts = Object.fromEntries(FILTERS.map((f) => [f.id, 0])) as Record<QueueFilter, number>;
  for (const u of users) {
    for (const f of FILTERS) if (matchesFilter(u.status, f.id)) counts[f.id] += 1;
  }
  return counts;
}
