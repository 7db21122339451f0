import { describe, expect, it } from 'vitest';
import type { IpcError } from '../bindings/IpcError';
import type { Registered } from '../bindings/Registered';
import { Job } from './job.svelte';

const registered: Registered = {
  userId: 'u1',
  upn: 'u1@contoso.com',
  displayName: 'User One',
  pin: '482913',
  keyModel: 'YubiKey 5 NFC',
  keySerial: '31000137',
  methodName: 'YubiKey 5 NFC (KeyDesk)',
  warnings: [],
};
const removed: IpcError = {
  kind: 'keyRemoved',
  message: 'Removed',
  remediation: 'Plug it back',
  requestId: null,
};

describe('Job', () => {
  it('tracks steps, then the registered result', () => {
    const job = new Job();
    job.start('u1');
    job.apply({ event: 'step', data: { step: 'insertKey', message: 'Insert' } });
    expect(job).toMatchObject({ phase: 'running', step: 'insertKey', message: 'Insert' });
    job.apply({ event: 'registered', data: registered });
    expect(job.phase).toBe('registered');
    expect(job.registered?.pin).toBe('482913');
  });

  it('ignores events after the outcome', () => {
    const job = new Job();
    job.start('u1');
    job.apply({ event: 'failed', data: removed });
    job.apply({ event: 'registered', data: registered });
    expect(job.phase).toBe('failed');
    expect(job.registered).toBeNull();
  });

  it('keeps the streamed failure when the call also rejects', () => {
    const job = new Job();
    job.start('u1');
    job.apply({ event: 'failed', data: removed });
    job.fail({ ...removed, kind: 'internal', message: 'other' });
    expect(job.error?.kind).toBe('keyRemoved');
  });

  it('never reports success when the call ends without an outcome', () => {
    const job = new Job();
    job.start('u1');
    job.apply({ event: 'step', data: { step: 'registering', message: '' } });
    job.finish();
    expect(job.phase).toBe('failed');
    expect(job.error?.kind).toBe('internal');
  });

  it('clear() drops the PIN', () => {
    const job = new Job();
    job.start('u1');
    job.apply({ event: 'registered', data: registered });
    job.clear();
    expect(job.registered).toBeNull();
    expect(job.phase).toBe('idle');
    expect(job.userId).toBeNull();
  });
});
