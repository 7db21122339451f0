/**
 * A phone handed out with a passkey in Microsoft Authenticator, one user after another from
 * a selection. The backend issues the user a short one-time Temporary Access Pass (the
 * policies checked first), sends it once to be shown, then waits for the phone's passkey;
 * whatever ends the wait (the passkey, Cancel, the timeout) deletes the pass.
 *
 * `ready` → `issuing` → `waiting` (the pass on screen, masked until revealed) → `done`;
 * a user already holding a pass stops at `passActive` (replace only when asked); a refusal
 * or a failure is `failed`. The pass is forgotten as soon as the wait ends.
 */
import type { IpcError } from '../bindings/IpcError';
import type { PhoneDone } from '../bindings/PhoneDone';
import type { PhoneEvent } from '../bindings/PhoneEvent';
import type { PhoneKind } from '../bindings/PhoneKind';
import type { Backend } from '../platform/backend';
import { toIpcError } from './errors';

/** A user to hand a phone to. */
export interface PhoneUser {
  id: string;
  upn: string;
  displayName: string;
}

export type PhoneStage = 'ready' | 'issuing' | 'passActive' | 'waiting' | 'done' | 'failed';

export class PhoneHandOut {
  /** The selection, in order; empty while the screen is closed. */
  users = $state<PhoneUser[]>([]);
  index = $state(0);
  stage = $state<PhoneStage>('ready');
  /** The pass, only while the phone is awaited. */
  pass = $state<string | null>(null);
  /** The operator clicked the pass to show it. */
  revealed = $state(false);
  lifetimeMinutes = $state(0);
  waitSecs = $state(0);
  /** When the wait began (ms, the clock given). */
  startedAt = $state(0);
  /** The last listing found no passkey yet, this long into the wait. */
  elapsedSecs = $state(0);
  detected = $state<PhoneKind | null>(null);
  done = $state<PhoneDone | null>(null);
  error = $state<IpcError | null>(null);
  /** Cancel was pressed; the backend is deleting the pass. */
  cancelling = $state(false);
  /** Counts hand-outs, so a call that ended late does not judge a newer one. */
  private run = 0;

  constructor(
    private readonly backend: Backend,
    /** Called when a phone's wait ended (the queue and inventory may have changed). */
    private readonly ended: () => void | Promise<void> = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  get open(): boolean {
    return this.users.length > 0;
  }

  get user(): PhoneUser | null {
    return this.users[this.index] ?? null;
  }

  /** A pass is out: the screen does not close until the wait ends. */
  get busy(): boolean {
    return this.stage === 'issuing' || this.stage === 'waiting';
  }

  /** Whether another user of the selection follows this one. */
  get hasNext(): boolean {
    return this.index + 1 < this.users.length;
  }

  /** Open the screen for `users` (a user, or a selection). */
  show(users: PhoneUser[]): void {
    if (this.busy || users.length === 0) return;
    this.users = users;
    this.index = 0;
    this.reset();
  }

  /** Issue the pass and wait for the phone; `replace` only after the operator asked. */
  async start(replace = false): Promise<void> {
    const user = this.user;
    if (!user || this.busy) return;
    this.reset();
    this.stage = 'issuing';
    const run = ++this.run;
    try {
      await this.backend.phoneHandOut(
        { userId: user.id, lifetimeMinutes: null, replace },
        (event) => this.apply(event),
      );
    } catch (e) {
      this.fail(toIpcError(e));
    }
    if (run === this.run && (this.stage === 'issuing' || this.stage === 'waiting')) {
      this.fail({
        kind: 'internal',
        message: 'The wait for the phone ended without an answer.',
        remediation: 'Look at the user’s passkeys in Entra ID, then try again.',
        requestId: null,
      });
    }
    await this.ended();
  }

  /** Stop waiting: the backend deletes the pass and ends the wait as cancelled. */
  async cancel(): Promise<void> {
    if (this.stage !== 'waiting' || this.cancelling) return;
    this.cancelling = true;
    try {
      await this.backend.phoneCancel();
    } catch (e) {
      this.cancelling = false;
      this.error = toIpcError(e);
    }
  }

  /** The next user of the selection. */
  next(): void {
    if (this.busy || !this.hasNext) return;
    this.index += 1;
    this.reset();
  }

  /** Close the screen (not while a pass is out: cancel first). */
  close(): void {
    if (this.busy) return;
    this.users = [];
    this.index = 0;
    this.reset();
  }

  /** One event from the backend. */
  apply(event: PhoneEvent): void {
    switch (event.event) {
      case 'passIssued':
        this.pass = event.data.pass;
        this.lifetimeMinutes = event.data.lifetimeMinutes;
        this.waitSecs = event.data.waitSecs;
        this.startedAt = this.now();
        this.stage = 'waiting';
        break;
      case 'waiting':
        this.elapsedSecs = event.data.elapsedSecs;
        break;
      case 'detected':
        this.detected = event.data.platform;
        break;
      case 'passDeleted':
        this.pass = null;
        break;
      case 'done':
        this.pass = null;
        this.revealed = false;
        this.cancelling = false;
        this.done = event.data;
        this.stage = 'done';
        break;
      case 'failed':
        this.fail(event.data);
        break;
    }
  }

  private fail(error: IpcError): void {
    this.pass = null;
    this.revealed = false;
    this.cancelling = false;
    this.error = error;
    this.stage = error.kind === 'passActive' ? 'passActive' : 'failed';
  }

  private reset(): void {
    this.stage = 'ready';
    this.pass = null;
    this.revealed = false;
    this.lifetimeMinutes = 0;
    this.waitSecs = 0;
    this.startedAt = 0;
    this.elapsedSecs = 0;
    this.detected = null;
    this.done = null;
    this.error = null;
    this.cancelling = false;
  }
}
