// A user whose key was reported lost is `revoked` in the queue (not skipped): the status
// menu counts them live, filters to them, and the user panel offers a new key.
import { afterEach, describe, expect, it } from 'vitest';
import { $, $$, cleanup, click, render, waitFor } from '../testing/render';
import { msg } from './messages';

afterEach(cleanup);

const revokedOption = () =>
  $<HTMLOptionElement>('[data-testid="status-filter"] option[value="status:revoked"]')!;

describe('revoked users in the queue', () => {
  it('are counted live, filtered, and offered a new key', async () => {
    const desk = await render();
    expect(revokedOption().dataset.count).toBe('0');
    const user = desk.queue.users.find((u) => u.status === 'registered')!;

    desk.requestRevoke(user.id, false);
    await desk.answer(true);
    await waitFor(() => expect(revokedOption().dataset.count).toBe('1'));
    expect(revokedOption().textContent).toBe(msg.filter.withCount(msg.status.revoked, 1));

    const menu = $<HTMLSelectElement>('[data-testid="status-filter"]')!;
    menu.value = 'status:revoked';
    menu.dispatchEvent(new Event('change', { bubbles: true }));
    await waitFor(() =>
      expect($$('[data-testid="user-row"]').map((r) => r.dataset.id)).toEqual([user.id]),
    );
    const row = $('[data-testid="user-row"]')!;
    expect(row.dataset.status).toBe('revoked');
    expect(row.textContent).toContain(msg.status.revoked);

    click(`[data-testid="user-row"][data-id="${user.id}"]`);
    expect($('[data-testid="revoked"]')?.textContent).toContain('key reported lost');
    click('[data-testid="reissue-user"]');
    await waitFor(() => expect($('[data-testid="provision"]')).not.toBeNull());
    expect(revokedOption().dataset.count).toBe('0');
    expect(desk.queue.users.find((u) => u.id === user.id)?.status).toBe('pending');
  });
});
