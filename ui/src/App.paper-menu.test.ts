// Regression: the Paper menu's *Temporary Access Pass letters…* sent an empty list when no
// user was selected. Every menu item that needs letters or users is disabled until it has
// them, and says why (title and aria-describedby).
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { msg } from './lib/messages';
import { FakeBackend } from './platform/fake';
import { manyUsers } from './platform/fake-users';
import { $, cleanup, click, key, render, waitFor } from './testing/render';

afterEach(cleanup);

const item = (testid: string) => $<HTMLButtonElement>(`[data-testid="${testid}"]`)!;
/** What a screen reader reads as the item's description (its aria-describedby text). */
const why = (testid: string): string | null => {
  const ids = item(testid).getAttribute('aria-describedby');
  return ids ? (document.getElementById(ids)?.textContent ?? '') : null;
};

describe('the Paper menu without a user or a letter', () => {
  it('disables pass letters and the letters items, saying why, and opens no save', async () => {
    const desk = await render(new FakeBackend({ users: [], stepDelayMs: 0 }));
    expect(desk.queue.selected).toBeNull();
    click('[data-testid="open-paper"]');
    const tap = item('paper-tap');
    expect(tap.disabled).toBe(true);
    expect(why('paper-tap')).toBe(msg.paperMenu.noUser);
    expect(tap.title).toBe(msg.paperMenu.noUser);
    for (const id of ['paper-print-all', 'paper-save-all', 'paper-labels']) {
      expect(item(id).disabled).toBe(true);
      expect(why(id)).toBe(msg.paperMenu.noLetters);
    }
    // The reports need no one.
    expect(item('paper-report').disabled).toBe(false);
    expect(why('paper-report')).toBeNull();
    tap.click(); // a disabled button's click (as assistive tech may send it) does nothing
    flushSync();
    expect(desk.paper.save).toBeNull();
  });
});

describe('the Paper menu with users', () => {
  it('writes pass letters for the selected user, or for the marked ones', async () => {
    const desk = await render(new FakeBackend({ users: manyUsers(20), stepDelayMs: 0 }));
    const selected = desk.queue.selected!;
    click('[data-testid="open-paper"]');
    expect(item('paper-tap').disabled).toBe(false);
    expect(item('paper-tap').textContent).toBe(msg.paperMenu.tapSelected(selected.displayName));
    click('[data-testid="paper-tap"]');
    await waitFor(() => expect(desk.paper.save?.userIds).toEqual([selected.upn]));
    desk.paper.closeSave();

    const [a, b] = desk.queue.users.slice(3, 5);
    desk.queue.toggleMark(a!.id);
    desk.queue.toggleMark(b!.id);
    flushSync();
    click('[data-testid="open-paper"]');
    expect(item('paper-tap').textContent).toBe(msg.paperMenu.tapMarked(2));
    click('[data-testid="paper-tap"]');
    await waitFor(() => expect(desk.paper.save?.userIds).toEqual([a!.upn, b!.upn]));
  });

  it('says why the bulk menu cannot label or retry the marked users', async () => {
    const desk = await render(new FakeBackend({ users: manyUsers(20), stepDelayMs: 0 }));
    const pending = desk.queue.users.find((u) => u.status === 'pending')!;
    desk.queue.toggleMark(pending.id);
    flushSync();
    click('[data-testid="bulk-more"]');
    expect(item('bulk-labels').disabled).toBe(true);
    expect(why('bulk-labels')).toBe(msg.bulk.noneRegistered);
    expect(item('bulk-retry').disabled).toBe(true);
    expect(why('bulk-retry')).toBe(msg.bulk.nothingToRetry);
    expect(item('bulk-top').disabled).toBe(false);
    expect(why('bulk-top')).toBeNull();
  });

  it('closes on Esc, back on its button', async () => {
    await render(new FakeBackend({ users: manyUsers(20), stepDelayMs: 0 }));
    click('[data-testid="open-paper"]');
    key(item('paper-report'), 'Escape');
    expect($('[data-testid="paper-menu"]')).toBeNull();
    expect(document.activeElement?.getAttribute('data-testid')).toBe('open-paper');
  });
});
