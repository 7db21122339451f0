// The key inventory: search by serial, user, model and date; lost (by serial or UPN) and
// returned, each confirmed; re-issue after a lost key.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBackend } from '../platform/fake';
import { manyUsers } from '../platform/fake-users';
import { $, $$, cleanup, click, render, waitFor } from '../testing/render';
import { filterInventory, Inventory } from './inventory.svelte';
import { iso, msg } from './messages';

afterEach(cleanup);

describe('Inventory', () => {
  it('lists one issued entry per registered user, newest first', async () => {
    const backend = new FakeBackend({ users: manyUsers(500) });
    const inv = new Inventory(backend);
    await inv.load();
    expect(inv.items.length).toBe(backend.users.filter((u) => u.status === 'registered').length);
    expect(inv.items[0]!.id).toBeGreaterThan(inv.items[1]!.id);
    expect(inv.items.every((e) => e.state === 'issued')).toBe(true);
  });

  it('searches serial, user, model and date (every word)', async () => {
    const inv = new Inventory(new FakeBackend({ users: manyUsers(500) }));
    await inv.load();
    const one = inv.items[3]!;
    expect(filterInventory(inv.items, one.serial, 'all')).toEqual([one]);
    expect(filterInventory(inv.items, one.upn.toUpperCase(), 'all')).toEqual([one]);
    expect(filterInventory(inv.items, 'yubikey', 'all')).toHaveLength(inv.items.length);
    expect(filterInventory(inv.items, `${iso(one.at).slice(0, 10)} ${one.serial}`, 'all')).toEqual([
      one,
    ]);
    expect(filterInventory(inv.items, '', 'revoked')).toHaveLength(0);
  });

  it('reports lost by UPN and returned by serial; a second report finds nothing', async () => {
    const backend = new FakeBackend({ users: manyUsers(500) });
    const inv = new Inventory(backend);
    await inv.load();
    const [a, b] = inv.items;
    expect(await inv.takeBack('lost', a!.upn)).toBe(true);
    expect(inv.outcome).toMatchObject({ kind: 'lost', items: [{ id: a!.id, state: 'revoked' }] });
    expect(inv.items.find((e) => e.id === a!.id)?.state).toBe('revoked');
    expect(backend.users.find((u) => u.id === a!.userId)).toMatchObject({
      status: 'revoked',
      detail: 'key reported lost',
    });
    expect(await inv.takeBack('returned', b!.serial)).toBe(true);
    expect(inv.items.find((e) => e.id === b!.id)?.state).toBe('returned');
    expect(await inv.takeBack('lost', a!.upn)).toBe(false);
    expect(inv.error?.kind).toBe('nothingToResolve');
  });
});

describe('the inventory window', () => {
  it('reports a key lost after a question on the safe answer, then re-issues', async () => {
    const desk = await render();
    click('[data-testid="open-inventory"]');
    await waitFor(() => expect($$('[data-testid="inventory-row"]').length).toBe(1));
    const row = $$('[data-testid="inventory-row"]')[0]!;
    const serial = row.dataset.serial!;
    click('[data-testid="inventory-lost"]');
    expect(desk.confirm?.title).toBe(msg.inventory.confirmLost(serial));
    expect(desk.confirm?.danger).toBe(true);
    await waitFor(() =>
      expect(document.activeElement?.getAttribute('data-testid')).toBe('confirm-no'),
    );
    click('[data-testid="confirm-yes"]');
    await waitFor(() => expect($('[data-testid="inventory-outcome"]')).not.toBeNull());
    expect($('[data-testid="inventory-row"]')?.dataset.state).toBe('revoked');
    // The queue reloads after the outcome shows.
    await waitFor(() =>
      expect(desk.queue.users.some((u) => u.detail === 'key reported lost')).toBe(true),
    );
    const userId = desk.queue.users.find((u) => u.detail === 'key reported lost')?.id;
    click('[data-testid="reissue"]');
    await waitFor(() => expect($('[data-testid="reissued"]')).not.toBeNull());
    expect(desk.queue.users.find((u) => u.id === userId)?.status).toBe('pending');
    click('[data-testid="inventory-close"]');
    expect($('[data-testid="inventory"]')).toBeNull();
  });
});
