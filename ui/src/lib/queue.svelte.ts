/**
 * The queue: the group's users, their statuses, the filter and the selection.
 * Plain reactive state (Svelte runes) with no knowledge of the backend, so it is tested
 * without a DOM.
 */
import type { IpcError } from '../bindings/IpcError';
import type { QueueUser } from '../bindings/QueueUser';
import type { UserStatus } from '../bindings/UserStatus';
import { matchesFilter, type QueueFilter } from './status';

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

  /** Move the selection within the visible rows (arrow keys). */
  moveSelection(delta: 1 | -1): void {
    const rows = this.visible;
    if (rows.length === 0) return;
    const at = rows.findIndex((u) => u.id === this.selectedId);
    const next = at < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, at + delta));
    this.selectedId = rows[next]?.id ?? null;
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
