/**
 * The idle lock: after `minutes` without input the window hides the PIN and the queue
 * behind a lock screen, and tells the backend (`lockNow`), which then refuses the PIN
 * commands until an unlock it accepts: the operator signing in again in the delegated
 * modes, the station passphrase in the app-only modes (set on the lock screen the first
 * time), one click in demo mode. Time comes from the
 * caller (`touch`, `tick`), so it is tested without timers; 0 minutes never locks.
 */
import type { IpcError } from '../bindings/IpcError';
import type { LockState } from '../bindings/LockState';
import type { SignInEvent } from '../bindings/SignInEvent';
import type { Backend } from '../platform/backend';
import { toIpcError } from './errors';

/** The backend's part of the lock. */
export type LockPort = Pick<
  Backend,
  'lockState' | 'lockNow' | 'unlock' | 'stationPassphraseSet' | 'unlockSignIn'
>;

export class IdleLock {
  locked = $state(false);
  /** How the backend says this station unlocks; null until it answered. */
  how = $state<LockState | null>(null);
  /** Why the last unlock (or the lock itself) failed. */
  error = $state<IpcError | null>(null);
  /** An unlock is being checked. */
  busy = $state(false);
  /** What the sign-in again asks of the operator (the page opened, or a device code). */
  signInEvent = $state<SignInEvent | null>(null);
  private last = Date.now();

  /** `minutes`: the idle time allowed now (the setting, read at each tick). */
  constructor(
    private readonly minutes: () => number,
    private readonly backend?: LockPort,
  ) {}

  /** The operator did something at `now` (ms). */
  touch(now: number): void {
    if (!this.locked) this.last = now;
  }

  /** Locks when the idle time at `now` has run out. */
  tick(now: number): void {
    const minutes = this.minutes();
    if (!this.locked && minutes > 0 && now - this.last >= minutes * 60_000) void this.lock();
  }

  /** At start: locked if the backend started locked (app-only, passphrase set). */
  async resume(): Promise<void> {
    if (!this.backend) return;
    try {
      const how = await this.backend.lockState();
      if (how) {
        this.locked = true;
        this.how = how;
      }
    } catch (e) {
      this.error = toIpcError(e);
    }
  }

  /** Locks now, here and in the backend. */
  async lock(): Promise<void> {
    this.locked = true;
    this.how = null;
    this.error = null;
    if (!this.backend) return;
    try {
      this.how = await this.backend.lockNow();
    } catch (e) {
      this.error = toIpcError(e);
    }
  }

  /** Unlocks at `now` if the backend agrees (`passphrase` in app-only modes). */
  async unlock(now: number, passphrase: string | null = null): Promise<void> {
    await this.attempt(now, () => this.backend?.unlock(passphrase));
  }

  /** Delegated modes: the operator signs in again; another account leaves it locked. */
  async signIn(now: number): Promise<void> {
    await this.attempt(now, () => this.backend?.unlockSignIn((e) => (this.signInEvent = e)));
    this.signInEvent = null;
  }

  /** Sets the station passphrase (first lock of an app-only station), which unlocks. */
  async setPassphrase(now: number, passphrase: string, again: string): Promise<void> {
    await this.attempt(now, () => this.backend?.stationPassphraseSet(passphrase, again));
  }

  private async attempt(now: number, call: () => Promise<void> | undefined): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    try {
      await call();
      this.locked = false;
      this.how = null;
      this.last = now;
    } catch (e) {
      this.error = toIpcError(e);
    } finally {
      this.busy = false;
    }
  }
}
