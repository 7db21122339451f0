/**
 * Labels and filters for a user's queue status. The status itself is decided once, in
 * the engine (`keydesk_engine::queue::rows`), and arrives with each queue row.
 */
import type { UserStatus } from '../bindings/UserStatus';
import { msg } from './messages';

export const STATUS_LABEL: Record<UserStatus, string> = msg.status;

export const STATUS_ORDER: readonly UserStatus[] = [
  'pending',
  'inProgress',
  'registered',
  'needsAttention',
  'failed',
  'skipped',
  'revoked',
];

/** The grouped tabs (the count tiles). */
export type QueueGroup = 'all' | 'pending' | 'done' | 'failed';
/** A filter is a grouped tab or one exact status (the status menu). */
export type QueueFilter = QueueGroup | `status:${UserStatus}`;

/** The filter tabs, which are also the count tiles: a tile counts what its filter shows. */
export const FILTERS: readonly { id: QueueGroup; label: string; hint: string }[] = [
  { id: 'all', label: msg.filter.all, hint: msg.filter.allHint },
  { id: 'pending', label: msg.filter.pending, hint: msg.filter.pendingHint },
  { id: 'done', label: msg.filter.done, hint: msg.filter.doneHint },
  { id: 'failed', label: msg.filter.failed, hint: msg.filter.failedHint },
];

export function matchesFilter(status: UserStatus, filter: QueueFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'pending':
      return status === 'pending' || status === 'inProgress';
    case 'done':
      return status === 'registered' || status === 'skipped' || status === 'revoked';
    case 'failed':
      return status === 'failed' || status === 'needsAttention';
    default:
      return filter === `status:${status}`;
  }
}
