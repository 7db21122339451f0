// The phone hand-out's states without the window: the screen stays while a pass is out,
// and a hand-out that ended late does not judge the newer one (seen when *Replace* followed
// a refusal at once).
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../platform/fake';
import { PhoneHandOut } from './phone.svelte';

const ADELE = { id: 'u-01', upn: 'adele.vance@contoso.com', displayName: 'Adele Vance' };

describe('PhoneHandOut', () => {
  it('does not close while the pass is out, and forgets the pass when the wait ends', async () => {
    const backend = new FakeBackend({ stepDelayMs: 0 });
    const phone = new PhoneHandOut(
      backend,
      () => {},
      () => 1000,
    );
    phone.show([ADELE]);
    const running = phone.start();
    expect(phone.stage).toBe('waiting');
    expect(phone.startedAt).toBe(1000);
    expect(phone.waitSecs).toBe(900);
    phone.close();
    expect(phone.open).toBe(true);
    await backend.phones.play('android');
    await running;
    expect(phone.stage).toBe('done');
    expect(phone.done).toEqual({ outcome: 'registered', platform: 'android', passDeleted: true });
    expect(phone.pass).toBeNull();
    phone.close();
    expect(phone.open).toBe(false);
  });

  it('a refusal that settles after Replace does not fail the new hand-out', async () => {
    const backend = new FakeBackend({ stepDelayMs: 0 });
    backend.phones.passes.add(ADELE.id);
    const phone = new PhoneHandOut(backend);
    phone.show([ADELE]);
    const refused = phone.start();
    expect(phone.stage).toBe('passActive');
    const replacing = phone.start(true);
    await refused;
    expect(phone.stage).toBe('waiting');
    await phone.cancel();
    await replacing;
    expect(phone.done).toEqual({ outcome: 'cancelled', passDeleted: true });
  });
});
