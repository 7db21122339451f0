/**
 * Labels and filter tabs for a user's queue status. The status itself is decided once, in
 * the engine (`keydesk_engine::queue::rows`), and arrives with each queue row.
 */
import type { UserStatus } from '../bindings/UserStatus';

export const STATUS_LABEL: Record<UserStatus, string> = {
  pending: 'Pending',
  inProgress: 'In progress',
  registered: 'Registered',
  failed: 'Failed',
  skipped: 'Skipped',
  needsAttention: 'Needs attention',
};

export const STATUS_ORDER: readonly UserStatus[] = [
  'pending',
  'inProgress',
  'registered',
  'needsAttention',
  'failed',
  'skipped',
];

export type QueueFilter = 'all' | 'pending' | 'done' | 'failed';

/** The filter tabs, which are also the count tiles: a tile counts what its filter shows. */
export const FILTERS: readonly { id: QueueFilter; label: string; hint: string }[] = [
  { id: 'all', label: 'All', hint: 'Every user in the group' },
  { id: 'pending', label: 'To do', hint: 'Pending or in progress' },
  { id: 'done', label: 'Done', hint: 'Registered or skipped' },
  { id: 'failed', label: 'Failed', hint: 'Failed or needing attention' },
];

export function matchesFilter(status: UserStatus, filter: QueueFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'pending':
      return status === 'pending' || status === 'inProgress';
    case 'done':
      return status === 'registered' || status === 'skipped';
    case 'failed':
      return status === 'failed' || status === 'needsAttention';
  }
}
