// The phone hand-out as an operator meets it: from the selected user or the marked users,
// the pass shown (masked until clicked) with the steps and a countdown, the phone's passkey
// ending the wait; a user already holding a pass is asked about first; Cancel, the timeout
// and a refusing policy end without a phone. Key labels for the marked registered users.
import { afterEach, describe, expect, it } from 'vitest';
import { msg } from './lib/messages';
import { FakeBackend } from './platform/fake';
import { $, cleanup, click, key, render, waitFor } from './testing/render';

afterEach(cleanup);

async function openPhone(backend: FakeBackend) {
  const desk = await render(backend);
  click('[data-testid="hand-out-phone"]');
  await waitFor(() => expect($('[data-testid="phone-dialog"]')).not.toBeNull());
  return desk;
}

describe('the phone hand-out', () => {
  it('shows the pass with the steps, and the phone’s passkey ends the wait', async () => {
    const backend = new FakeBackend({ stepDelayMs: 0 });
    const desk = await openPhone(backend);
    const user = desk.phone.user!;
    click('[data-testid="phone-start"]');
    await waitFor(() => expect($('[data-testid="phone-waiting"]')).not.toBeNull());
    // Masked until clicked.
    const pass = desk.phone.pass!;
    expect(pass).toMatch(/^.{10}$/);
    expect(document.body.textContent).not.toContain(pass);
    click('[data-testid="phone-reveal"]');
    expect($('[data-testid="phone-pass"]')?.textContent).toBe(pass);
    const steps = $('[data-testid="phone-steps"]')!.textContent!;
    expect(steps).toContain('Microsoft Authenticator');
    expect(steps).toContain(user.upn);
    expect($('[data-testid="countdown"]')?.dataset.left).toBe('900');
    expect($('[data-testid="phone-waiting"]')?.textContent).toContain(msg.phone.waiting);
    expect($('[data-testid="phone-close"]')).toBeNull();

    click('[data-testid="demo-phone"]');
    await waitFor(() => expect($('[data-testid="phone-done"]')).not.toBeNull());
    expect($('[data-testid="phone-done"]')?.dataset.outcome).toBe('registered');
    expect($('[data-testid="phone-done"]')?.textContent).toContain(
      msg.phone.registered(user.displayName, 'iOS'),
    );
    expect($('[data-testid="phone-pass-state"]')?.textContent?.trim()).toBe(msg.phone.passGone);
    expect(document.body.textContent).not.toContain(pass);
    expect(desk.phone.pass).toBeNull();
    expect(backend.phones.recorded).toEqual([{ userId: user.id, platform: 'ios' }]);
    expect(backend.phones.passes.size).toBe(0);
    click('[data-testid="phone-close"]');
    expect($('[data-testid="phone-dialog"]')).toBeNull();
  });

  it('takes the keyboard: Enter issues no provisioning behind it', async () => {
    const backend = new FakeBackend({ stepDelayMs: 0 });
    const desk = await openPhone(backend);
    expect(document.activeElement?.getAttribute('data-testid')).toBe('phone-start');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await Promise.resolve();
    expect(desk.job.phase).toBe('idle');
    key(document.body, 'Escape');
    expect($('[data-testid="phone-dialog"]')).toBeNull();
  });

  it('asks before replacing an active pass; Cancel deletes the new one', async () => {
    const backend = new FakeBackend({ stepDelayMs: 0 });
    const desk = await openPhone(backend);
    backend.phones.passes.add(desk.phone.user!.id);
    click('[data-testid="phone-start"]');
    await waitFor(() => expect($('[data-testid="phone-active"]')).not.toBeNull());
    expect($('[data-testid="phone-active"]')?.textContent).toContain(msg.phone.activeTitle);
    click('[data-testid="phone-replace"]');
    await waitFor(() => expect($('[data-testid="phone-waiting"]')).not.toBeNull());
    click('[data-testid="phone-cancel"]');
    await waitFor(() => expect($('[data-testid="phone-done"]')).not.toBeNull());
    expect($('[data-testid="phone-done"]')?.dataset.outcome).toBe('cancelled');
    expect($('[data-testid="phone-pass-state"]')?.textContent?.trim()).toBe(msg.phone.passGone);
    expect(backend.phones.passes.size).toBe(0);
    expect(backend.phones.recorded).toEqual([]);
  });

  it('says so when the wait runs out, with no phone recorded', async () => {
    const backend = new FakeBackend({ stepDelayMs: 0 });
    await openPhone(backend);
    click('[data-testid="phone-start"]');
    await waitFor(() => expect($('[data-testid="phone-waiting"]')).not.toBeNull());
    backend.phones.timeOut();
    await waitFor(() => expect($('[data-testid="phone-done"]')?.dataset.outcome).toBe('timedOut'));
    expect($('[data-testid="phone-done"]')?.textContent).toContain(msg.phone.timedOut);
    expect(backend.phones.recorded).toEqual([]);
  });

  it('shows the policy’s refusal and issues nothing', async () => {
    const backend = new FakeBackend({ stepDelayMs: 0 });
    backend.phones.policyRefuses = true;
    await openPhone(backend);
    click('[data-testid="phone-start"]');
    await waitFor(() => expect($('[data-testid="error"]')).not.toBeNull());
    expect($('[data-testid="error-message"]')?.textContent).toContain(
      'Temporary Access Pass policy is turned off',
    );
    expect($('[data-testid="phone-waiting"]')).toBeNull();
    expect(backend.phones.passes.size).toBe(0);
  });

  it('works through the marked users one phone after another', async () => {
    const backend = new FakeBackend({ stepDelayMs: 0 });
    const desk = await render(backend);
    const [first, second] = desk.queue.users;
    desk.queue.toggleMark(first!.id);
    desk.queue.toggleMark(second!.id);
    await waitFor(() => expect($('[data-testid="bulk-more"]')).not.toBeNull());
    click('[data-testid="bulk-more"]');
    expect($('[data-testid="bulk-phones"]')?.textContent).toBe(msg.phone.bulk(2));
    click('[data-testid="bulk-phones"]');
    await waitFor(() =>
      expect($('[data-testid="phone-of"]')?.textContent).toBe(msg.phone.of(1, 2)),
    );
    click('[data-testid="phone-start"]');
    await waitFor(() => expect($('[data-testid="phone-waiting"]')).not.toBeNull());
    click('[data-testid="demo-phone"]');
    await waitFor(() => expect($('[data-testid="phone-next"]')).not.toBeNull());
    click('[data-testid="phone-next"]');
    expect($('[data-testid="phone-of"]')?.textContent).toBe(msg.phone.of(2, 2));
    expect(desk.phone.user?.id).toBe(second!.id);
    click('[data-testid="phone-start"]');
    await waitFor(() => expect($('[data-testid="phone-waiting"]')).not.toBeNull());
    click('[data-testid="demo-phone"]');
    await waitFor(() => expect($('[data-testid="phone-done"]')).not.toBeNull());
    expect($('[data-testid="phone-next"]')).toBeNull();
    expect(backend.phones.recorded.map((r) => r.userId)).toEqual([first!.id, second!.id]);
  });
});

describe('key labels for the marked users', () => {
  it('saves labels for the marked registered users only', async () => {
    const backend = new FakeBackend({ stepDelayMs: 0 });
    const desk = await render(backend);
    const registered = desk.queue.users.filter((u) => u.status === 'registered');
    const pending = desk.queue.users.find((u) => u.status === 'pending')!;
    expect(registered.length).toBeGreaterThan(0);
    for (const u of [...registered, pending]) desk.queue.toggleMark(u.id);
    await waitFor(() => expect($('[data-testid="bulk-more"]')).not.toBeNull());
    click('[data-testid="bulk-more"]');
    await waitFor(() =>
      expect($('[data-testid="bulk-labels"]')?.textContent).toBe(
        msg.bulk.labels(registered.length),
      ),
    );
    click('[data-testid="bulk-labels"]');
    await waitFor(() => expect($('[data-testid="save-path"]')).not.toBeNull());
    expect(($('[data-testid="save-path"]') as HTMLInputElement).value).toMatch(
      /\/key-labels-\d{8}-\d{4}\.pdf$/,
    );
    click('[data-testid="save-submit"]');
    await waitFor(() => expect($('[data-testid="save-done"]')).not.toBeNull());
    expect(backend.paper.files).toEqual([
      expect.objectContaining({ kind: 'labels', userIds: registered.map((u) => u.id) }),
    ]);
  });
});

describe('pass letters for the marked users', () => {
  it('issues a pass per marked user into one saved PDF', async () => {
    const backend = new FakeBackend({ stepDelayMs: 0 });
    const desk = await render(backend);
    const [first, , third] = desk.queue.users;
    desk.queue.toggleMark(first!.id);
    desk.queue.toggleMark(third!.id);
    await waitFor(() => expect($('[data-testid="bulk-more"]')).not.toBeNull());
    click('[data-testid="bulk-more"]');
    await waitFor(() => expect($('[data-testid="bulk-tap"]')?.textContent).toBe(msg.bulk.tap(2)));
    click('[data-testid="bulk-tap"]');
    await waitFor(() => expect($('[data-testid="save-path"]')).not.toBeNull());
    expect(($('[data-testid="save-path"]') as HTMLInputElement).value).toMatch(
      /\/tap-letters-\d{8}-\d{4}\.pdf$/,
    );
    click('[data-testid="save-submit"]');
    await waitFor(() => expect($('[data-testid="save-done"]')).not.toBeNull());
    expect(backend.paper.files).toEqual([
      expect.objectContaining({ kind: 'tap', userIds: [first!.upn, third!.upn] }),
    ]);
  });
});
