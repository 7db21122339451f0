/**
 * The provisioning desk: ties the queue, the current job and the key list to a `Backend`.
 * Components call its actions; it never touches the DOM.
 */
import type { AppInfo } from '../bindings/AppInfo';
import type { ErrorKind } from '../bindings/ErrorKind';
import type { IpcError } from '../bindings/IpcError';
import type { UserStatus } from '../bindings/UserStatus';
import type { Backend } from '../platform/backend';
import { toIpcError } from './errors';
import { Job } from './job.svelte';
import { Keys } from './keys.svelte';
import { Queue } from './queue.svelte';

export class Desk {
  info = $state<AppInfo | null>(null);
  /** The backend did not start (e.g. another KeyDesk holds the data folder): nothing works. */
  startError = $state<IpcError | null>(null);
  /** Telling the backend a letter was printed failed (its PIN stays sealed in escrow). */
  letterError = $state<IpcError | null>(null);
  /** The last demo-panel action failed. */
  demoError = $state<IpcError | null>(null);
  readonly queue = new Queue();
  readonly job = new Job();
  readonly keys = new Keys();

  /** A job is running, or a PIN is on screen that has not been dealt with yet. */
  readonly occupied = $derived(this.job.phase === 'running' || this.job.phase === 'registered');

  constructor(readonly backend: Backend) {}

  async start(): Promise<void> {
    void this.backend
      .watchKeys((event) => this.keys.apply(event))
      .catch((e: unknown) => {
        this.keys.error = toIpcError(e);
      });
    try {
      this.info = await this.backend.appInfo();
    } catch (e) {
      // Only a backend that did not start rejects here; the window shows why instead.
      this.startError = toIpcError(e);
      return;
    }
    await this.loadQueue();
  }

  async loadQueue(): Promise<void> {
    this.queue.loading = true;
    try {
      this.queue.setUsers(await this.backend.loadQueue());
    } catch (e) {
      this.queue.error = toIpcError(e);
    } finally {
      this.queue.loading = false;
    }
  }

  /** Whether this user can be provisioned now (pending or failed, and the desk is free). */
  canProvision(userId: string): boolean {
    const user = this.queue.users.find((u) => u.id === userId);
    if (!user || this.occupied) return false;
    return user.status === 'pending' || user.status === 'failed';
  }

  async provision(userId: string): Promise<void> {
    if (!this.canProvision(userId)) return;
    const before = this.queue.users.find((u) => u.id === userId);
    const previous = before ? { status: before.status, detail: before.detail } : null;
    this.job.start(userId);
    this.queue.setStatus(userId, 'inProgress', null);
    try {
      await this.backend.provision(userId, (event) => this.job.apply(event));
      this.job.finish();
    } catch (e) {
      this.job.fail(toIpcError(e));
    }
    if (this.job.userId !== userId) return;
    if (this.job.phase === 'registered' && this.job.registered) {
      const r = this.job.registered;
      this.queue.setStatus(
        userId,
        'registered',
        r.keySerial ? `${r.keyModel} · ${r.keySerial}` : r.keyModel,
      );
    } else if (this.job.error) {
      const error = this.job.error;
      if (error.kind === 'busy' && previous) {
        this.queue.setStatus(userId, previous.status, previous.detail);
      } else {
        this.queue.setStatus(userId, statusAfter(error.kind), error.message);
      }
    }
  }

  /** Drop the PIN from memory and move on to the next pending user. */
  next(): void {
    const from = this.job.userId ?? this.queue.selectedId;
    this.job.clear();
    const next = this.queue.nextPending(from);
    if (next) {
      if (this.queue.filter !== 'all' && this.queue.filter !== 'pending') this.queue.filter = 'all';
      this.queue.select(next.id);
    }
  }

  /** Leave a failed result (the queue keeps the failure). */
  dismissFailure(): void {
    if (this.job.phase === 'failed') this.job.clear();
  }

  /** The letter is printed: the backend may now forget the PIN it kept for reprinting. */
  markPrinted(): void {
    this.job.printed = true;
    const userId = this.job.userId;
    if (userId === null) return;
    this.backend.letterPrinted(userId).catch((e: unknown) => {
      this.letterError = toIpcError(e);
    });
  }

  async demo(action: () => Promise<unknown>): Promise<void> {
    this.demoError = null;
    try {
      await action();
    } catch (e) {
      this.demoError = toIpcError(e);
    }
  }

  plugKey(): Promise<void> {
    return this.demo(() => this.backend.demoPlugKey());
  }

  pullKey(keyId: string): Promise<void> {
    return this.demo(() => this.backend.demoPullKey(keyId));
  }

  touchKey(keyId: string): Promise<void> {
    return this.demo(() => this.backend.demoTouchKey(keyId));
  }
}

/** The queue status a failed provisioning leaves a user in: skipped when the user (or the
 * tenant's policy) was refused. */
function statusAfter(kind: ErrorKind): UserStatus {
  switch (kind) {
    case 'notEligible':
    case 'alreadyRegistered':
    case 'revoked':
    case 'provisioningDisabled':
    case 'policyRefusesKey':
    case 'nothingToResolve':
    case 'unknownMethod':
      return 'skipped';
    case 'needsAttention':
      return 'needsAttention';
    default:
      return 'failed';
  }
}
