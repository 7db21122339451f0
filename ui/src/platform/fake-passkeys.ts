/**
 * The fake backend's passkeys in the tenant, per user: the seeded ones a user already has
 * (listed with name, model and created date, deleted one by one like the real commands:
 * one already gone is `unknownMethod`), and those the fake's registrations add. A listing
 * or deletion can be made to fail once (`failNext`), as Graph would (403, network).
 */
import type { ExistingPasskey } from '../bindings/ExistingPasskey';
import type { IpcError } from '../bindings/IpcError';

/** Two passkeys Diego Siciliani (u-03, pending) registered himself. */
export const SEED_PASSKEYS: Readonly<Record<string, readonly ExistingPasskey[]>> = {
  'u-03': [
    {
      methodId: 'm-diego-1',
      name: 'YubiKey at home',
      model: 'YubiKey 5 NFC',
      created: '2025-03-14T09:12:00Z',
    },
    {
      methodId: 'm-diego-2',
      name: 'Spare key',
      model: 'YubiKey 5C NFC',
      created: '2025-11-02T16:40:00Z',
    },
  ],
};

export class FakePasskeys {
  private readonly byUser = new Map<string, ExistingPasskey[]>();
  private nextId = 1;
  private failure: IpcError | null = null;

  constructor(seed: Readonly<Record<string, readonly ExistingPasskey[]>> = SEED_PASSKEYS) {
    for (const [userId, list] of Object.entries(seed)) {
      this.byUser.set(userId, structuredClone([...list]));
    }
  }

  /** The next `list` or `delete` rejects with `error` (then all is well again). */
  failNext(error: IpcError): void {
    this.failure = error;
  }

  list(userId: string): ExistingPasskey[] {
    this.failIfAsked();
    return structuredClone(this.byUser.get(userId) ?? []);
  }

  /** Deletes one passkey; returns it (for the audit line). */
  delete(userId: string, methodId: string): ExistingPasskey {
    this.failIfAsked();
    const list = this.byUser.get(userId) ?? [];
    const found = list.find((p) => p.methodId === methodId);
    if (!found) {
      throw {
        kind: 'unknownMethod',
        message: 'This passkey is already gone: it was deleted in Entra since the list was read.',
        remediation: 'Nothing to do; the list now shows the user’s passkeys as they are.',
        requestId: null,
      } satisfies IpcError;
    }
    this.byUser.set(
      userId,
      list.filter((p) => p !== found),
    );
    return found;
  }

  /**
   * A registration added `name` on a key of `model`; with `replace`, the passkeys the user
   * had before are deleted (after the registration, as the engine does). Returns those.
   */
  registered(userId: string, name: string, model: string, replace: boolean): ExistingPasskey[] {
    const before = this.byUser.get(userId) ?? [];
    const added: ExistingPasskey = {
      methodId: `m-new-${this.nextId++}`,
      name,
      model,
      created: new Date().toISOString(),
    };
    this.byUser.set(userId, replace ? [added] : [...before, added]);
    return replace ? before : [];
  }

  private failIfAsked(): void {
    const failure = this.failure;
    if (failure) {
      this.failure = null;
      throw failure;
    }
  }
}
