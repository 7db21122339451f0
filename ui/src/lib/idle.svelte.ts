/**
 * The idle lock: after `minutes` without input the window hides the PIN and the queue
 * behind a lock screen. Time comes from the caller (`touch`, `tick`), so it is tested
 * without timers; 0 minutes never locks.
 */
export class IdleLock {
  locked = $state(false);
  private last = Date.now();

  /** `minutes`: the idle time allowed now (the setting, read at each tick). */
  constructor(private readonly minutes: () => number) {}

  /** The operator did something at `now` (ms). */
  touch(now: number): void {
    if (!this.locked) this.last = now;
  }

  /** Locks when the idle time at `now` has run out. */
  tick(now: number): void {
    const minutes = this.minutes();
    if (minutes > 0 && now - this.last >= minutes * 60_000) this.locked = true;
  }

  unlock(now: number): void {
    this.locked = false;
    this.last = now;
  }
}
