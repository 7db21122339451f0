// What a technician hit in the demo window, pinned: keyboard, filters, prompts naming the
// key, Cancel and Esc, the question before leaving an unconfirmed PIN, error details.
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBackend } from './platform/fake';
import { $, $$, cleanup, click, key, render, waitFor } from './testing/render';

afterEach(cleanup);

async function toTouch(backend = new FakeBackend()) {
  const desk = await render(backend);
  click('[data-testid="provision"]');
  await waitFor(() =>
    expect($('[data-testid="prompt"]')?.textContent).toBe('Insert a security key'),
  );
  click('[data-testid="demo-plug"]');
  await waitFor(() =>
    expect($('[data-testid="prompt"]')?.textContent).toBe('Touch your security key'),
  );
  return desk;
}

describe('the queue list', () => {
  it('is one Tab stop; arrows, End and type-ahead move the selection', async () => {
    const desk = await render();
    const tabStops = $$('[data-testid="user-row"]').filter((r) => r.tabIndex === 0);
    expect(tabStops).toHaveLength(1);
    expect(tabStops[0]?.getAttribute('aria-selected')).toBe('true');

    const list = $('[data-testid="user-list"]')!;
    const first = desk.queue.selectedId;
    key(list, 'ArrowDown');
    expect(desk.queue.selectedId).not.toBe(first);
    key(list, 'End');
    expect(desk.queue.selected?.displayName).toBe('Pradeep Gupta');
    key(list, 'm');
    expect(desk.queue.selected?.displayName).toBe('Megan Bowen');
    expect(document.activeElement?.getAttribute('data-id')).toBe(desk.queue.selectedId);
    expect($$('[data-testid="user-row"]').filter((r) => r.tabIndex === 0)).toHaveLength(1);
  });

  it('has count tiles that match and apply their filter', async () => {
    await render();
    for (const f of ['all', 'pending', 'done', 'failed']) {
      click(`[data-testid="filter-${f}"]`);
      const count = Number($(`[data-testid="filter-${f}"]`)?.dataset.count);
      expect($$('[data-testid="user-row"]')).toHaveLength(count);
    }
  });

  it('says when a filter hides the selected user', async () => {
    await render();
    click('[data-testid="filter-done"]');
    expect($('[data-testid="selected-hidden"]')?.textContent).toContain('hidden by this filter');
    click('[data-testid="selected-hidden"] button');
    expect($('[data-testid="selected-hidden"]')).toBeNull();
  });
});

describe('a running job', () => {
  it('names the key to touch, counts down, and marks the key as serving the user', async () => {
    const desk = await toTouch();
    const name = desk.queue.selected!.displayName;
    expect($('[data-testid="prompt-key"]')?.textContent).toMatch(/YubiKey 5 NFC · \d+/);
    expect(Number($('[data-testid="countdown"]')?.dataset.left)).toBeGreaterThan(25);
    expect($('[data-testid="key-serving"]')?.textContent).toContain(name);
  });

  it('offers Cancel while waiting for a key, and Esc cancels', async () => {
    await render();
    click('[data-testid="provision"]');
    await waitFor(() => expect($('[data-testid="cancel"]')).not.toBeNull());
    key(document.body, 'Escape');
    await waitFor(() => expect($('[data-testid="error"]')?.dataset.kind).toBe('cancelled'));
    expect($('[data-testid="retry-provision"]')).not.toBeNull();
  });

  it('shows the job’s user in the centre notice when another user is selected', async () => {
    const desk = await toTouch();
    const jobUser = desk.queue.selected!.displayName;
    const other = desk.queue.users.find((u) => u.id !== desk.job.userId)!;
    desk.queue.select(other.id);
    flushSync();
    expect($('[data-testid="job-elsewhere"]')?.textContent).toContain(jobUser);
    expect($('[data-testid="prompt"]')).toBeNull();
  });

  it('explains a pull during touch: plain sentence, key state, code in the details line', async () => {
    await toTouch();
    click('[data-testid="demo-pull"]');
    await waitFor(() => expect($('[data-testid="error"]')).not.toBeNull());
    expect($('[data-testid="error"] h3')?.textContent).toBe('The key was removed.');
    expect($('[data-testid="key-state"]')?.textContent).toContain('kept sealed');
    expect($('[data-testid="error"]')?.textContent).toContain('keyRemoved');
  });
});

describe('the PIN on screen', () => {
  it('asks before Next user when the letter is not confirmed', async () => {
    const desk = await toTouch();
    click('[data-testid="demo-touch"]');
    await waitFor(() => expect($('[data-testid="registered"]')).not.toBeNull());
    expect(document.activeElement?.getAttribute('data-testid')).toBe('print');

    click('[data-testid="next"]');
    expect($('[data-testid="confirm"]')?.textContent).toContain('Letters to print');
    click('[data-testid="confirm-no"]');
    expect($('[data-testid="pin"]')).not.toBeNull();

    click('[data-testid="next"]');
    click('[data-testid="confirm-yes"]');
    await waitFor(() => expect($('[data-testid="pin"]')).toBeNull());
    await waitFor(() => expect($('[data-testid="open-letters"]')?.dataset.count).toBe('1'));
    expect(desk.letters.list).toHaveLength(1);
  });

  it('lists unconfirmed letters and reprints one', async () => {
    const desk = await toTouch();
    click('[data-testid="demo-touch"]');
    await waitFor(() => expect($('[data-testid="registered"]')).not.toBeNull());
    const pin = $('[data-testid="pin"]')?.textContent;
    desk.next();
    await waitFor(() => expect($('[data-testid="open-letters"]')?.dataset.count).toBe('1'));

    click('[data-testid="open-letters"]');
    expect($$('[data-testid="letter-row"]')).toHaveLength(1);
    click('[data-testid="letter-reprint"]');
    await waitFor(() => expect($('[data-testid="registered"]')?.textContent).toContain('Reprint'));
    expect($('[data-testid="pin"]')?.textContent).toBe(pin);
    expect($('[data-testid="letters"]')).toBeNull();
  });

  it('offers reprint, replace and lost key for a registered user', async () => {
    const desk = await toTouch();
    click('[data-testid="demo-touch"]');
    await waitFor(() => expect($('[data-testid="registered"]')).not.toBeNull());
    const userId = desk.job.userId!;
    desk.next();
    desk.queue.select(userId);
    flushSync();
    await waitFor(() => expect($('[data-testid="reprint"]')).not.toBeNull());
    expect($('[data-testid="replace-key"]')).not.toBeNull();
    click('[data-testid="lost-key"]');
    expect($('[data-testid="confirm"]')?.textContent).toContain('deleted in Microsoft Entra');
    key(document.body, 'Escape');
    expect($('[data-testid="confirm"]')).toBeNull();
  });
});

describe('errors', () => {
  it('shows the request id with a copy button', async () => {
    await render(new FakeBackend({ queueFailures: 1 }));
    expect($('[data-testid="request-id"]')?.textContent).toBeTruthy();
    expect($('[data-testid="copy"]')?.textContent?.trim()).toBe('Copy request ID');
  });
});
