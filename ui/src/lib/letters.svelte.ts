/** *Letters to print*: every sealed PIN whose letter nobody has confirmed printed. */
import type { IpcError } from '../bindings/IpcError';
import type { PendingLetter } from '../bindings/PendingLetter';

export class Letters {
  list = $state<PendingLetter[]>([]);
  error = $state<IpcError | null>(null);

  has(userId: string): boolean {
    return this.list.some((l) => l.userId === userId);
  }
}
