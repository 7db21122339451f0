/**
 * *Start batch* / *Stop batch*: the loaded queue worked over every plugged key at once.
 * One card per user in progress (several at once, one per key), each with its own prompt;
 * a card stays, marked registered or failed, once its user ends. PINs are not shown here:
 * they stay sealed until their letters are printed from *Letters to print*.
 */
import type { BatchEvent } from '../bindings/BatchEvent';
import type { IpcError } from '../bindings/IpcError';
import type { Backend } from '../platform/backend';
import { toIpcError } from './errors';
import { msg } from './messages';

export interface BatchCard {
  userId: string;
  displayName: string;
  /** The prompt of the user's current step, or how it ended. */
  message: string;
  state: 'working' | 'registered' | 'failed';
  /** The key it went to, once registered. */
  keySerial: string | null;
  /** The key the job holds (or held), once it took one. */
  keyId?: string;
}

/** A batch job took a key (`taken`) or ended on it: the key's card follows. */
export type KeyNote = (
  keyId: string,
  displayName: string,
  outcome: 'taken' | 'registered' | 'failed',
) => void;

export type BatchPhase = 'idle' | 'running' | 'stopping';

export class Batch {
  phase = $state<BatchPhase>('idle');
  cards = $state<BatchCard[]>([]);
  registered = $state(0);
  failed = $state(0);
  error = $state<IpcError | null>(null);
  /** The last batch was stopped before the queue was done. */
  stopped = $state(false);

  readonly working = $derived(this.cards.filter((c) => c.state === 'working'));

  constructor(
    private readonly backend: Backend,
    private readonly onEnded: () => Promise<void>,
    private readonly onKey: KeyNote = () => {},
  ) {}

  async start(): Promise<void> {
    if (this.phase !== 'idle') return;
    this.phase = 'running';
    this.cards = [];
    this.registered = 0;
    this.failed = 0;
    this.error = null;
    this.stopped = false;
    try {
      await this.backend.batchStart((event) => this.apply(event));
    } catch (e) {
      this.error = toIpcError(e);
    } finally {
      this.phase = 'idle';
      for (const card of this.cards) if (card.state === 'working') card.state = 'failed';
      await this.onEnded();
    }
  }

  async stop(): Promise<void> {
    if (this.phase !== 'running') return;
    this.phase = 'stopping';
    try {
      await this.backend.batchStop();
    } catch (e) {
      this.error = toIpcError(e);
    }
  }

  apply(event: BatchEvent): void {
    switch (event.event) {
      case 'step': {
        const { userId, displayName, message } = event.data;
        const card = this.cards.find((c) => c.userId === userId);
        if (card) {
          card.message = message;
          card.state = 'working';
        } else {
          this.cards.push({ userId, displayName, message, state: 'working', keySerial: null });
        }
        break;
      }
      case 'keyTaken': {
        const { userId, displayName, keyId } = event.data;
        this.card(userId, displayName).keyId = keyId;
        this.onKey(keyId, displayName, 'taken');
        break;
      }
      case 'registered': {
        const card = this.card(event.data.userId, event.data.displayName);
        if (card.keyId) this.onKey(card.keyId, card.displayName, 'registered');
        card.state = 'registered';
        card.message = [
          'Registered: PIN letter waiting in Letters to print.',
          ...event.data.warnings,
        ].join(' ');
        card.keySerial = event.data.keySerial;
        break;
      }
      case 'failed': {
        const card = this.card(event.data.userId, event.data.userId);
        if (card.keyId) this.onKey(card.keyId, card.displayName, 'failed');
        card.state = 'failed';
        card.message =
          event.data.error.kind === 'keyHasPin'
            ? `${event.data.error.message}. ${msg.pinChoice.inBatch}`
            : event.data.error.message;
        break;
      }
      case 'finished':
        this.registered = event.data.registered;
        this.failed = event.data.failed;
        this.stopped = event.data.stopped;
        break;
    }
  }

  private card(userId: string, displayName: string): BatchCard {
    const found = this.cards.find((c) => c.userId === userId);
    if (found) return found;
    this.cards.push({ userId, displayName, message: '', state: 'working', keySerial: null });
    // The proxied card, so later changes reach the page.
    return this.cards[this.cards.length - 1] as BatchCard;
  }
}
