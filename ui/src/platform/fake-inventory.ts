/**
 * The fake backend's key inventory: one entry per registered user (seeded from the users'
 * `Model · serial` detail, then one per registration), with the engine's lost and returned
 * rules — only *issued* entries are taken back; a lost key leaves its user revoked ("key
 * reported lost") until re-issued, a returned one likewise ("key returned").
 */
import type { InventoryItem } from '../bindings/InventoryItem';
import type { QueueUser } from '../bindings/QueueUser';

const OPERATOR = 'admin@contoso.onmicrosoft.com';
/** 2026-11-02 09:00 UTC: seeded entries are spread over the days before the session. */
const SEED_AT = 1_793_610_000;

export class FakeInventory {
  private readonly items: InventoryItem[] = [];

  constructor(users: readonly QueueUser[]) {
    users.forEach((u, i) => {
      if (u.status !== 'registered') return;
      const [model, serial] = (u.detail ?? 'YubiKey 5 NFC').split(' · ');
      this.items.push({
        id: this.items.length + 1,
        serial: serial ?? '',
        model: model ?? 'YubiKey 5 NFC',
        certification: 'FIDO_CERTIFIED_L1',
        userId: u.id,
        upn: u.upn,
        operator: OPERATOR,
        at: SEED_AT + i * 97,
        state: 'issued',
      });
    });
  }

  /** Newest first, like the real command. */
  list(): InventoryItem[] {
    return structuredClone([...this.items].reverse());
  }

  add(user: QueueUser, model: string, serial: string | null, operator = OPERATOR): void {
    this.items.push({
      id: this.items.length + 1,
      serial: serial ?? '',
      model,
      certification: null,
      userId: user.id,
      upn: user.upn,
      operator,
      at: Math.floor(Date.now() / 1000),
      state: 'issued',
    });
  }

  /** Marks every issued entry matching `query` (serial, user id or UPN) as `state`. */
  takeBack(query: string, state: 'revoked' | 'returned', serialOnly: boolean): InventoryItem[] {
    const q = query.trim().toLowerCase();
    const hits = this.items.filter(
      (e) =>
        e.state === 'issued' &&
        (e.serial.toLowerCase() === q ||
          (!serialOnly && (e.userId.toLowerCase() === q || e.upn.toLowerCase() === q))),
    );
    for (const e of hits) e.state = state;
    return structuredClone(hits);
  }
}
