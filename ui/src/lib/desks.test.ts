import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../platform/fake';
import { Desk } from './desk.svelte';

describe('several desks on a shared store', () => {
  it('marks the users another desk works "at" that desk, and unmarks them when it lets go', async () => {
    const backend = new FakeBackend({
      demo: false,
      store: 'PostgreSQL db.example/keydesk as desk-1',
    });
    backend.deskHeld.set('u-03', 'desk-2');
    const d = new Desk(backend);
    d.deskPollMs = 60_000;
    await d.start();
    try {
      expect(d.info?.store).toBe('PostgreSQL db.example/keydesk as desk-1');
      const at = () => d.queue.users.filter((u) => u.atDesk).map((u) => [u.id, u.atDesk]);
      expect(at()).toEqual([['u-03', 'desk-2']]);

      backend.deskHeld.delete('u-03');
      backend.deskHeld.set('u-05', 'desk-3');
      const before = d.queue.users;
      await d.pollDesks();
      expect(at()).toEqual([['u-05', 'desk-3']]);
      expect(d.queue.users).not.toBe(before);
      const same = d.queue.users;
      await d.pollDesks();
      expect(d.queue.users).toBe(same);
    } finally {
      d.dispose();
    }
  });
});
