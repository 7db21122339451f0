/**
 * *Jobs that need attention*: registrations that could not be confirmed or ruled out. The
 * operator picks each job's passkey among the user's (those new since the attempt are
 * marked), or none; the backend records and audits the decision.
 */
import type { AttentionJob } from '../bindings/AttentionJob';
import type { IpcError } from '../bindings/IpcError';

export class Attention {
  list = $state<AttentionJob[]>([]);
  open = $state(false);
  loading = $state(false);
  error = $state<IpcError | null>(null);
  /** The chosen method id per user id; `null` is "none of these". */
  choice = $state<Record<string, string | null>>({});
}
