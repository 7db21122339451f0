/**
 * The plugged keys, kept current from the backend's `KeyEvent` stream, and what the window
 * knows about each: the user it serves or was assigned to this session, and a short notice
 * (e.g. a touch on a key nothing waits for).
 */
import type { IpcError } from '../bindings/IpcError';
import type { KeyEvent } from '../bindings/KeyEvent';
import type { KeyView } from '../bindings/KeyView';

export class Keys {
  list = $state<KeyView[]>([]);
  /** Every key present at start has been reported. */
  enumerated = $state(false);
  error = $state<IpcError | null>(null);

  /** Display name of the user each key (by id) serves now or got a passkey for. */
  serving = $state<Record<string, string>>({});
  /** Keys that hold a passkey from this session, by id. */
  used = $state<Record<string, boolean>>({});
  /** A short message on a key's card, by id. */
  notice = $state<Record<string, string>>({});
  /** The PIN the key panel gave a simulated key, by id, for the tester to type. */
  pins = $state<Record<string, string>>({});
  /** Simulated keys pulled with the key panel, to plug back in (same key, same state). */
  pulled = $state<KeyView[]>([]);

  readonly awaitingTouch = $derived(this.list.some((k) => k.awaitingTouch));

  /** How the operator tells this key apart: model and serial, else its tray position. */
  label(keyId: string): string {
    const at = this.list.findIndex((k) => k.id === keyId);
    const key = this.list[at];
    if (!key) return 'the security key';
    return key.serial ? `${key.model} · ${key.serial}` : `${key.model} (key ${at + 1} in the tray)`;
  }

  apply(event: KeyEvent): void {
    switch (event.event) {
      case 'added':
      case 'changed': {
        const at = this.list.findIndex((k) => k.id === event.data.id);
        if (at >= 0) this.list[at] = event.data;
        else this.list.push(event.data);
        this.pulled = this.pulled.filter((k) => k.id !== event.data.id);
        break;
      }
      case 'removed': {
        const id = event.data.id;
        this.list = this.list.filter((k) => k.id !== id);
        delete this.serving[id];
        delete this.used[id];
        delete this.notice[id];
        break;
      }
      case 'enumerationComplete':
        this.enumerated = true;
        break;
      case 'drawer':
        // A key a batch refused, taken out by the stack of simulated keys: it waits with
        // the keys pulled by hand, to be plugged back in.
        if (!this.pulled.some((k) => k.id === event.data.id)) this.pulled.push(event.data);
        break;
    }
  }
}
