/** The plugged keys, kept current from the backend's `KeyEvent` stream. */
import type { IpcError } from '../bindings/IpcError';
import type { KeyEvent } from '../bindings/KeyEvent';
import type { KeyView } from '../bindings/KeyView';

export class Keys {
  list = $state<KeyView[]>([]);
  /** Every key present at start has been reported. */
  enumerated = $state(false);
  error = $state<IpcError | null>(null);

  readonly awaitingTouch = $derived(this.list.some((k) => k.awaitingTouch));

  apply(event: KeyEvent): void {
    switch (event.event) {
      case 'added':
      case 'changed': {
        const at = this.list.findIndex((k) => k.id === event.data.id);
        if (at >= 0) this.list[at] = event.data;
        else this.list.push(event.data);
        break;
      }
      case 'removed':
        this.list = this.list.filter((k) => k.id !== event.data.id);
        break;
      case 'enumerationComplete':
        this.enumerated = true;
        break;
    }
  }
}
