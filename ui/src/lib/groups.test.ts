import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../platform/fake';
import { Desk } from './desk.svelte';
import { memberCountLabel } from './groups.svelte';

async function desk(options: ConstructorParameters<typeof FakeBackend>[0] = {}): Promise<Desk> {
  const d = new Desk(new FakeBackend({ demo: false, ...options }));
  await d.start();
  return d;
}

describe('the group pick', () => {
  it('finds groups by the start of a word, same-named groups marked and told apart', async () => {
    const d = await desk();
    d.groups.show();
    d.groups.text = 'fin';
    await d.groups.search();
    expect(d.groups.results.map((g) => g.displayName)).toEqual([
      'Passkey rollout — Finance',
      'Passkey rollout — Finance',
    ]);
    expect(new Set(d.groups.results.map((g) => g.id)).size).toBe(2);
    expect(d.groups.results.map((g) => g.memberCount)).toEqual([8, 1]);
    expect(d.groups.ambiguous).toEqual(['Passkey rollout — Finance']);

    d.groups.text = 'rollout';
    await d.groups.search();
    expect(d.groups.results.map((g) => g.memberCount)).toEqual([8, 1, 3]);
    d.groups.text = 'ollout';
    await d.groups.search();
    expect(d.groups.results).toEqual([]);
    expect(d.groups.searched).toBe(true);
  });

  it('a chosen group becomes the header group, the picker closes and the queue reloads', async () => {
    const d = await desk();
    d.groups.show();
    d.groups.text = 'HR';
    await d.groups.search();
    const hr = d.groups.results[0]!;
    expect(hr.displayName).toBe('Passkey rollout — HR');
    expect(d.groups.ambiguous).toEqual([]);
    await d.groups.choose(hr);
    expect(d.groups.open).toBe(false);
    expect(d.info?.group).toBe('Passkey rollout — HR');
    expect(d.queue.users.length).toBeGreaterThan(0);
    // The connection the next sign-in starts from names it too.
    expect((await d.backend.connectionLoad()).connection?.group).toBe('Passkey rollout — HR');
  });

  it('shows why a search or a choice failed, and keeps the picker open', async () => {
    const d = await desk();
    d.groups.show();
    d.groups.text = '   ';
    await d.groups.search();
    expect(d.groups.searched).toBe(false);
    await d.backend.signOut(false);
    d.groups.text = 'fin';
    await d.groups.search();
    expect(d.groups.error?.kind).toBe('signIn');

    const demo = await desk({ demo: true });
    demo.groups.show();
    await demo.groups.choose({ id: 'x', displayName: 'X', memberCount: 1 });
    expect(demo.groups.open).toBe(true);
    expect(demo.groups.error?.kind).toBe('invalidInput');
    expect(demo.info?.group).not.toBe('X');
  });

  it('a users file becomes the queue; unknown and repeated UPNs are named and left out', async () => {
    const d = await desk({
      files: {
        '/home/desk/usersToRegister.csv':
          'department,userPrincipalName\nSales,diego.siciliani@contoso.com\nSales,nobody@contoso.com\nIT,lee.gu@contoso.com\nIT,Diego.Siciliani@contoso.com\n',
      },
    });
    d.groups.show();
    d.groups.filePath = '  /home/desk/usersToRegister.csv ';
    await d.groups.loadFile();
    expect(d.groups.error).toBeNull();
    expect(d.queue.users.map((u) => u.upn)).toEqual([
      'diego.siciliani@contoso.com',
      'lee.gu@contoso.com',
    ]);
    expect(d.info?.group).toBe('usersToRegister.csv (list)');
    expect(d.groups.loaded?.users).toBe(2);
    expect(d.groups.loaded?.problems).toEqual([
      'line 3: nobody@contoso.com: no user has this name in the tenant (check the spelling), left out',
      'line 5: Diego.Siciliani@contoso.com is listed already on line 2',
    ]);
    // The picker stays open on what was left out until the operator has read it.
    expect(d.groups.open).toBe(true);

    // A group chosen afterwards replaces the list.
    d.groups.text = 'HR';
    await d.groups.search();
    await d.groups.choose(d.groups.results[0]!);
    expect(d.queue.users.length).toBe(12);
  });

  it('a clean list closes the picker; a missing file or one with no known user says why', async () => {
    const d = await desk({
      files: { '/tmp/ok.txt': 'lee.gu@contoso.com\n', '/tmp/none.txt': 'ghost@contoso.com\n' },
    });
    d.groups.show();
    d.groups.filePath = '/tmp/missing.csv';
    await d.groups.loadFile();
    expect(d.groups.error?.message).toContain('Cannot read /tmp/missing.csv');
    d.groups.filePath = '/tmp/none.txt';
    await d.groups.loadFile();
    expect(d.groups.error?.message).toContain('gives no user of this tenant');
    expect(d.queue.users.length).toBe(12);
    d.groups.filePath = '/tmp/ok.txt';
    await d.groups.loadFile();
    expect(d.groups.open).toBe(false);
    expect(d.queue.users.map((u) => u.id)).toEqual(['u-08']);
  });

  it('says the size in words', () => {
    expect(memberCountLabel(5)).toBe('5 users');
    expect(memberCountLabel(1)).toBe('1 user');
    expect(memberCountLabel(null)).toBe('size unknown');
  });
});
