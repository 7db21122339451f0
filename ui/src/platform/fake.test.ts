import { describe, expect, it, vi } from 'vitest';
import type { KeyEvent } from '../bindings/KeyEvent';
import type { ProvisionEvent } from '../bindings/ProvisionEvent';
import { FakeBackend, randomPin } from './fake';

describe('FakeBackend', () => {
  it('plays the six steps in order, then registered', async () => {
    const backend = new FakeBackend();
    const events: ProvisionEvent[] = [];
    const keyEvents: KeyEvent[] = [];
    await backend.watchKeys((e) => keyEvents.push(e));

    const run = backend.provision('u-01', null, null, (e) => {
      events.push(e);
      if (e.event === 'step' && e.data.step === 'insertKey') void backend.plugBlank();
    });
    const waiting = await vi.waitFor(
      () => {
        const found = keyEvents.find((e) => e.event === 'changed' && e.data.awaitingTouch);
        if (!found) throw new Error('no key waits for a touch yet');
        return found;
      },
      { timeout: 2000, interval: 5 },
    );
    if (waiting?.event !== 'changed') throw new Error('unreachable');
    await backend.demoTouchKey(waiting.data.id);
    await run;

    const steps = events.flatMap((e) => (e.event === 'step' ? [e.data.step] : []));
    expect(steps).toEqual([
      'fetchingOptions',
      'insertKey',
      'checkingKey',
      'settingPin',
      'touchKey',
      'registering',
    ]);
    expect(events.at(-1)?.event).toBe('registered');
    expect(backend.users[0]?.status).toBe('registered');
    expect(keyEvents[0]).toEqual({ event: 'enumerationComplete' });
  });

  it('reports keys already present to a new watcher', async () => {
    const backend = new FakeBackend();
    const key = await backend.plugBlank();
    const events: KeyEvent[] = [];
    await backend.watchKeys((e) => events.push(e));
    expect(events).toEqual([{ event: 'added', data: key }, { event: 'enumerationComplete' }]);
  });

  it('refuses users that are already registered or skipped', async () => {
    const backend = new FakeBackend();
    await expect(backend.provision('u-02', null, null, () => {})).rejects.toMatchObject({
      kind: 'notEligible',
    });
    await expect(backend.provision('u-07', null, null, () => {})).rejects.toMatchObject({
      kind: 'notEligible',
    });
  });

  it('refuses demo commands outside demo mode', async () => {
    await expect(new FakeBackend({ demo: false }).plugBlank()).rejects.toMatchObject({
      kind: 'internal',
    });
  });
});

describe('randomPin', () => {
  it('gives six digits and no trivial pattern', () => {
    for (let i = 0; i < 200; i++) {
      const pin = randomPin();
      expect(pin).toMatch(/^\d{6}$/);
      expect(pin).not.toMatch(/^(\d)\1{5}$/);
      expect([
        '012345',
        '123456',
        '234567',
        '345678',
        '456789',
        '987654',
        '876543',
        '543210',
      ]).not.toContain(pin);
    }
  });
});
