// A key that is not fresh: the window's choices for a key that already has a PIN (change
// from the typed PIN, reset through a re-plug, skip), the key panel's keys with a PIN and
// a chosen model, and key cards that name the user while a batch job holds their key.
import { describe, expect, it, vi } from 'vitest';
import { FakeBackend } from '../platform/fake';
import { Desk } from './desk.svelte';
import { RESET_STEPS, stepIndex, stepInfo } from './steps';

const waitFor = (check: () => void) => vi.waitFor(check, { timeout: 2000, interval: 5 });

/** A desk whose only key already has a PIN; its first provisioning has failed on it. */
async function refusedOnPin() {
  const backend = new FakeBackend();
  const desk = new Desk(backend);
  await desk.start();
  await desk.plugKey({ withPin: true, aaguid: null });
  const key = desk.keys.list[0]!;
  const pin = desk.keys.pins[key.id]!;
  const userId = desk.queue.selectedId!;
  await desk.provision(userId);
  return { backend, desk, key, pin, userId };
}

describe('A key that already has a PIN', () => {
  it('is refused with its tries left, and the panel shows the PIN it set', async () => {
    const { desk, key, pin, userId } = await refusedOnPin();
    expect(pin).toMatch(/^\d{6}$/);
    expect(desk.job.phase).toBe('failed');
    expect(desk.job.error?.kind).toBe('keyHasPin');
    expect(desk.job.error?.message).toContain('8 PIN tries left');
    expect(desk.job.error?.pinRetries).toBe(8);
    expect(desk.job.keyLabel).toContain(key.model);
    expect(desk.queue.users.find((u) => u.id === userId)?.status).toBe('failed');
  });

  it('changes the PIN from the typed one; a wrong one costs a try and registers nothing', async () => {
    const { desk, key, pin, userId } = await refusedOnPin();
    await desk.changePin(userId, '000000' === pin ? '111111' : '000000');
    expect(desk.job.error?.kind).toBe('pinInvalid');

    const run = desk.changePin(userId, pin);
    await waitFor(() => expect(desk.job.step).toBe('touchKey'));
    await desk.touchKey(key.id);
    await run;
    expect(desk.job.phase).toBe('registered');
    expect(desk.job.registered?.pin).not.toBe(pin);
    expect(desk.queue.users.find((u) => u.id === userId)?.status).toBe('registered');
  });

  it('asks before a reset, naming the key and what is lost, then resets it after a re-plug', async () => {
    const { desk, key, userId } = await refusedOnPin();
    desk.requestReset(userId);
    const ask = desk.confirm!;
    expect(ask.title).toContain(key.model);
    expect(ask.body).toMatch(/every passkey and credential on this key, for every site/);
    expect(ask.body).toMatch(/cannot be undone/);
    expect(ask.danger).toBe(true);

    const answered = desk.answer(true);
    await waitFor(() => expect(desk.job.step).toBe('replugKey'));
    expect(stepInfo('replugKey').needsOperator).toBe(true);
    await desk.pullKey(key.id);
    expect(desk.keys.pulled.map((k) => k.id)).toEqual([key.id]);
    expect(desk.job.keyLabel).toContain(key.model);
    await desk.replugKey(key.id);
    expect(desk.keys.pulled).toEqual([]);
    // Back in, the key's card names the user again (it said "Free" after the re-plug).
    expect(desk.keys.serving[key.id]).toBe(
      desk.queue.users.find((u) => u.id === userId)?.displayName,
    );
    await waitFor(() => expect(desk.job.step).toBe('resetKey'));
    expect(stepInfo('resetKey').timeoutSecs).toBe(10);
    await waitFor(() => expect(desk.keys.list[0]?.awaitingTouch).toBe(true));
    await desk.touchKey(key.id);
    await waitFor(() => expect(desk.job.step).toBe('touchKey'));
    await desk.touchKey(key.id);
    await answered;
    expect(desk.job.phase).toBe('registered');
    expect(desk.keys.pins[key.id]).toBeUndefined();
  });

  it('keeps the key as it is when the reset is not confirmed', async () => {
    const { desk, userId } = await refusedOnPin();
    desk.requestReset(userId);
    await desk.answer(false);
    expect(desk.job.phase).toBe('failed');
    expect(desk.job.error?.kind).toBe('keyHasPin');
  });

  it('ends Skipped, not Failed, when skipped', async () => {
    const { desk, userId } = await refusedOnPin();
    await desk.skip(userId);
    expect(desk.queue.users.find((u) => u.id === userId)?.status).toBe('skipped');
  });

  it('shows the reset steps on the stepper as checking the key', () => {
    for (const s of RESET_STEPS) expect(stepIndex(s.step)).toBe(stepIndex('checkingKey'));
  });
});

describe('The key panel', () => {
  it('plugs a key of a chosen model, and a pulled key back in with its identity', async () => {
    const backend = new FakeBackend();
    const desk = new Desk(backend);
    await desk.start();
    expect(desk.demoModels.length).toBeGreaterThan(1);
    const chosen = desk.demoModels[1]!;
    await desk.plugKey({ withPin: false, aaguid: chosen.aaguid });
    const key = desk.keys.list[0]!;
    expect(key.aaguid).toBe(chosen.aaguid);
    expect(key.model).toBe(chosen.name);
    expect(desk.keys.pins[key.id]).toBeUndefined();
    await desk.pullKey(key.id);
    expect(desk.keys.list).toEqual([]);
    await desk.replugKey(key.id);
    expect(desk.keys.list.map((k) => [k.id, k.serial])).toEqual([[key.id, key.serial]]);
  });
});

describe('Key cards during a batch', () => {
  // Regression: a card said "Free" while its key waited for a touch for a batch job.
  it('name the user a batch job holds the key for, while it waits for a touch', async () => {
    const backend = new FakeBackend();
    const desk = new Desk(backend);
    await desk.start();
    const key = await backend.plugBlank();
    const run = desk.batch.start();
    await waitFor(() => expect(desk.keys.list[0]?.awaitingTouch).toBe(true));
    const working = desk.batch.working[0]!;
    expect(desk.keys.serving[key.id]).toBe(working.displayName);
    expect(working.keyId).toBe(key.id);
    await desk.batch.stop();
    await desk.touchKey(key.id);
    await run;
    expect(desk.keys.used[key.id]).toBe(true);
  });
});

describe('A registration the policy could not judge', () => {
  it('says so on the registered card and on the batch card, rather than silently', async () => {
    const warning =
      "The FIDO2 policy could not be read, so the key's model was not checked against it";
    const backend = new FakeBackend({ warnings: [warning] });
    const desk = new Desk(backend);
    await desk.start();
    const key = await backend.plugBlank();
    const run = desk.provision(desk.queue.selectedId!);
    await waitFor(() => expect(desk.job.step).toBe('touchKey'));
    await desk.touchKey(key.id);
    await run;
    expect(desk.letter.letter?.warnings).toEqual([warning]);

    const next = await backend.plugBlank();
    const batch = desk.batch.start();
    await waitFor(() =>
      expect(desk.keys.list.find((k) => k.id === next.id)?.awaitingTouch).toBe(true),
    );
    await desk.batch.stop();
    await desk.touchKey(next.id);
    await batch;
    expect(desk.batch.cards.find((c) => c.state === 'registered')?.message).toContain(warning);
  });
});

describe('A key with a PIN in a batch', () => {
  it('fails its user only; the other users go on, and the card says how to answer later', async () => {
    const backend = new FakeBackend();
    const desk = new Desk(backend);
    await desk.start();
    await desk.plugKey({ withPin: true, aaguid: null });

    const run = desk.batch.start();
    await waitFor(() => expect(desk.batch.cards[0]?.state).toBe('failed'));
    expect(desk.batch.cards[0]?.message).toMatch(/already has a PIN.*Once it is over/);
    // The key with a PIN stalls nothing: a blank key takes the next user.
    const blank = await backend.plugBlank();
    await waitFor(() =>
      expect(desk.keys.list.find((k) => k.id === blank.id)?.awaitingTouch).toBe(true),
    );
    await desk.batch.stop();
    await desk.touchKey(blank.id);
    await run;
    expect(desk.batch.cards.filter((c) => c.state === 'registered')).toHaveLength(1);
  });
});
