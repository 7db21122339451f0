// Keyboard-first: the shortcuts sheet, J/K, Enter for the primary action, / for search, and
// bulk *Retry failed*.
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBackend } from '../platform/fake';
import { manyUsers } from '../platform/fake-users';
import { $, cleanup, click, render, waitFor } from '../testing/render';
import { retryMarked } from './bulk';
import { Desk } from './desk.svelte';
import { msg } from './messages';

afterEach(cleanup);

function press(keyName: string, target: EventTarget = document.body): void {
  target.dispatchEvent(
    new KeyboardEvent('keydown', { key: keyName, bubbles: true, cancelable: true }),
  );
  flushSync();
}

describe('shortcuts', () => {
  it('? opens the sheet on its Close button; Esc closes it', async () => {
    await render();
    press('?');
    expect($('[data-testid="shortcuts"]')?.textContent).toContain(msg.shortcuts.keys.jk[1]);
    await waitFor(() =>
      expect(document.activeElement?.getAttribute('data-testid')).toBe('shortcuts-close'),
    );
    press('Escape', document.activeElement!);
    expect($('[data-testid="shortcuts"]')).toBeNull();
  });

  it('J and K move the selection and focus its row', async () => {
    const desk = await render();
    const first = desk.queue.selectedId;
    press('j');
    expect(desk.queue.selectedId).not.toBe(first);
    expect(document.activeElement?.getAttribute('data-id')).toBe(desk.queue.selectedId);
    press('k', document.body);
    expect(desk.queue.selectedId).toBe(first);
  });

  it('Enter provisions the selected user; "/" focuses search', async () => {
    const desk = await render();
    press('Enter');
    await waitFor(() => expect(desk.job.phase).toBe('running'));
    press('/');
    expect(document.activeElement?.getAttribute('data-testid')).toBe('queue-search');
    // Inside a text field, letters are text, not shortcuts.
    const before = desk.queue.selectedId;
    press('j', document.activeElement!);
    expect(desk.queue.selectedId).toBe(before);
  });
});

describe('bulk retry', () => {
  it('puts the marked failed users back to pending, in the backend too', async () => {
    const backend = new FakeBackend({ users: manyUsers(2_000) });
    const desk = new Desk(backend);
    await desk.start();
    desk.queue.filter = 'status:failed';
    desk.queue.markVisible();
    const failed = desk.queue.counts.failed;
    const pending = desk.queue.counts.pending;
    let said = '';
    await retryMarked(desk, (t) => (said = t));
    expect(said).toBe(msg.bulk.retried(failed));
    expect(desk.queue.counts.failed).toBe(0);
    expect(desk.queue.counts.pending).toBe(pending + failed);
    expect(backend.users.filter((u) => u.status === 'failed')).toHaveLength(0);
  });

  it('the bulk bar offers it with the number it applies to', async () => {
    const desk = await render(new FakeBackend({ users: manyUsers(300) }));
    desk.queue.markVisible();
    flushSync();
    click('[data-testid="bulk-more"]');
    flushSync();
    expect($('[data-testid="bulk-retry"]')?.textContent).toBe(
      msg.bulk.retry(desk.queue.counts.failed),
    );
    click('[data-testid="bulk-retry"]');
    await waitFor(() => expect(desk.queue.counts.failed).toBe(0));
  });
});
