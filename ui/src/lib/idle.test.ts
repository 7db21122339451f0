import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../platform/fake';
import { IdleLock } from './idle.svelte';

describe('IdleLock', () => {
  it('locks after the idle minutes, not before, and input resets the clock', async () => {
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
    await lock.unlock(21 * 60_000);
    lock.tick(22 * 60_000);
    expect(lock.locked).toBe(false);
  });

  it('never locks at 0 minutes', () => {
    const lock = new IdleLock(() => 0);
    lock.touch(0);
    lock.tick(1e9);
    expect(lock.locked).toBe(false);
  });

  it('tells the backend, and stays locked when the backend refuses the unlock', async () => {
    const backend = new FakeBackend({ demo: false });
    backend.tenant.connection!.mode = 'certificate';
    const lock = new IdleLock(() => 10, backend);
    await lock.lock();
    expect(backend.lock.locked).toBe(true);
    expect(lock.how).toEqual({ unlockWith: 'passphrase', passphraseSet: false, demo: false });
    await lock.unlock(0, 'anything at all');
    expect(lock.locked).toBe(true);
    expect(lock.error?.kind).toBe('passphrase');
    await lock.setPassphrase(0, 'a long passphrase', 'a long passphrase');
    expect(lock.locked).toBe(false);
    expect(backend.lock.locked).toBe(false);
    expect(lock.error).toBeNull();
  });
});
