/**
 * The fake backend's idle lock, as the app's (`src-tauri/src/idle_lock.rs`): a flag that
 * refuses the PIN commands, the station passphrase (app-only modes: set once, 8+
 * characters typed twice; 5 wrong in a row wait 30 s), the operator signing in again in
 * the delegated modes (`signInAs` plays another account), one click in demo mode. Time
 * comes from `now`, so tests move it.
 */
import type { IpcError } from '../bindings/IpcError';
import type { LockState } from '../bindings/LockState';
import type { SignInEvent } from '../bindings/SignInEvent';
import type { SignInMode } from '../bindings/SignInMode';

const MIN_CHARS = 8;
const MAX_WRONG = 5;
const WAIT_MS = 30_000;

function refused(kind: IpcError['kind'], message: string, remediation: string): IpcError {
  return { kind, message, remediation, requestId: null };
}

export class FakeLock {
  locked = false;
  /** The passphrase itself: a fake keeps no secret worth hashing. */
  private passphrase: string | null = null;
  private wrong = 0;
  private waitUntil = 0;
  now: () => number = () => Date.now();
  /** The account the next sign-in again signs in with; null: the operator. */
  signInAs: string | null = null;

  constructor(
    private readonly demo: () => boolean,
    private readonly mode: () => SignInMode | null,
    private readonly operator: () => string | null,
  ) {}

  /** Delegated and signed in (before a sign-in there is no operator to sign in again). */
  private bySignIn(): boolean {
    const mode = this.mode();
    return (
      !this.demo() && (mode === 'browser' || mode === 'deviceCode') && this.operator() !== null
    );
  }

  private byPassphrase(): boolean {
    const mode = this.mode();
    return !this.demo() && (mode === 'certificate' || mode === 'clientSecret');
  }

  /** Throws what the app answers a PIN command while locked. */
  refuseIfLocked(): void {
    if (this.locked)
      throw refused('locked', 'KeyDesk is locked, so it shows no PIN.', 'Unlock the window first.');
  }

  /** As the app's start: a station with a passphrase starts locked. */
  lockAtStart(): void {
    if (this.byPassphrase() && this.passphrase !== null) this.locked = true;
  }

  lockState(): Promise<LockState | null> {
    return this.locked ? this.describe() : Promise.resolve(null);
  }

  lockNow(): Promise<LockState> {
    this.locked = true;
    return this.describe();
  }

  private describe(): Promise<LockState> {
    return Promise.resolve({
      unlockWith: this.byPassphrase() ? 'passphrase' : this.bySignIn() ? 'signIn' : 'click',
      passphraseSet: this.passphrase !== null,
      demo: this.demo(),
    });
  }

  async unlock(passphrase: string | null): Promise<void> {
    if (this.bySignIn())
      throw refused(
        'signIn',
        'This window unlocks when its operator signs in again.',
        'Select Sign in again and sign in with the account that was signed in.',
      );
    if (this.byPassphrase()) {
      const now = this.now();
      if (now < this.waitUntil) {
        const seconds = Math.ceil((this.waitUntil - now) / 1000);
        throw refused(
          'passphrase',
          `Too many wrong passphrases: wait ${seconds} seconds.`,
          'Wait, then type the station passphrase again.',
        );
      }
      if (this.passphrase === null)
        throw refused('passphrase', 'This station has no passphrase yet.', 'Set one first.');
      if (passphrase !== this.passphrase) {
        this.wrong += 1;
        if (this.wrong >= MAX_WRONG) {
          this.wrong = 0;
          this.waitUntil = now + WAIT_MS;
          throw refused(
            'passphrase',
            'Too many wrong passphrases: wait 30 seconds.',
            'Wait, then type the station passphrase again.',
          );
        }
        throw refused(
          'passphrase',
          `The passphrase is wrong (${MAX_WRONG - this.wrong} more tries before a 30-second wait).`,
          'Type the station passphrase again.',
        );
      }
      this.wrong = 0;
    }
    this.locked = false;
  }

  async unlockSignIn(onEvent: (event: SignInEvent) => void): Promise<void> {
    if (!this.bySignIn())
      throw refused(
        'invalidInput',
        'This station does not unlock by signing in again.',
        'Unlock it the way its lock screen says.',
      );
    if (this.mode() === 'deviceCode')
      onEvent({
        event: 'deviceCode',
        data: {
          userCode: 'KDSK-7305',
          verificationUri: 'https://microsoft.com/devicelogin',
          expiresInSecs: 900,
        },
      });
    else
      onEvent({
        event: 'browserOpened',
        data: { url: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize' },
      });
    await Promise.resolve();
    const was = this.operator() ?? 'the operator';
    if (this.signInAs !== null && this.signInAs !== was)
      throw refused(
        'signIn',
        `${this.signInAs} signed in, but this window was locked with ${was} signed in: it stays locked.`,
        `Sign in again as ${was}.`,
      );
    this.locked = false;
  }

  async stationPassphraseSet(passphrase: string, again: string): Promise<void> {
    if ([...passphrase].length < MIN_CHARS)
      throw refused(
        'passphrase',
        'The passphrase is too short: it needs at least 8 characters.',
        'Type the same passphrase in both fields.',
      );
    if (passphrase !== again)
      throw refused(
        'passphrase',
        'The two passphrases differ.',
        'Type the same passphrase in both fields.',
      );
    if (this.passphrase !== null)
      throw refused(
        'passphrase',
        'This station already has a passphrase.',
        'Unlock with the passphrase set before.',
      );
    this.passphrase = passphrase;
    this.locked = false;
  }
}
