import { describe, expect, it } from 'vitest';
import { IdleLock } from './idle.svelte';

describe('IdleLock', () => {
  it('locks after the idle minutes, not before, and input resets the clock', () => {
    const lock = new IdleLock(() => 10);
    lock.touch(0);
    lock.tick(9 * 60_000);
    expect(lock.locked).toBe(false);
    lock.touch(9 * 60_000);
    lock.tick(18 * 60_000);
    expect(lock.locked).toBe(false);
    lock.tick(19 * 60_000);
    expect(lock.locked).toBe(true);
    lock.touch(20 * 60_000);
    expect(lock.locked).toBe(true);
    lock.unlock(21 * 60_000);
    lock.tick(22 * 60_000);
    expect(lock.locked).toBe(false);
  });

  it('never locks at 0 minutes', () => {
    const lock = new IdleLock(() => 0);
    lock.touch(0);
    lock.tick(1e9);
    expect(lock.locked).toBe(false);
  });
});
