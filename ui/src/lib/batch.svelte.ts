/**
 * *Start batch* / *Stop batch*: the loaded queue worked over every plugged key at once.
 * One card per user in progress (several at once, one per key), each with its own prompt;
 * a card stays, marked registered or failed, once its user ends. PINs are not shown here:
 * they stay sealed until their letters are printed from *Letters to print*.
 *
 * For the dashboard strip it counts registrations and failures per key model (the name a
 * key card shows; each user leaves with a key of their own, so a count per serial would be
 * one line per user) and keeps when each registration happened; when the batch ends, the
 * backend's summary (`summary`), which `batch_summary_save` exports.
 */
import type { BatchEvent } from '../bindings/BatchEvent';
import type { BatchSummary } from '../bindings/BatchSummary';
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

/** Registrations and failures on keys of one model in this batch. */
export interface KeyTally {
  /** The model, as the key cards name it. */
  key: string;
  registered: number;
  failed: number;
}

export class Batch {
  phase = $state<BatchPhase>('idle');
  cards = $state<BatchCard[]>([]);
  registered = $state(0);
  failed = $state(0);
  error = $state<IpcError | null>(null);
  /** The last batch was stopped before the queue was done. */
  stopped = $state(false);
  /** When this batch started (ms); null before the first. */
  startedAt = $state<number | null>(null);
  /** When each registration of this batch arrived (ms). */
  registeredAt = $state.raw<number[]>([]);
  /** Per key, busiest first. Replaced on each change. */
  tallies = $state.raw<KeyTally[]>([]);
  /** What the last batch did, once it ended. */
  summary = $state<BatchSummary | null>(null);

  readonly working = $derived(this.cards.filter((c) => c.state === 'working'));

  constructor(
    private readonly backend: Backend,
    private readonly onEnded: () => Promise<void>,
    private readonly onKey: KeyNote = () => {},
    /** A user was registered (the queue's row and the pace follow). */
    private readonly onRegistered: (userId: string, detail: string, at: number) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  async start(): Promise<void> {
    if (this.phase !== 'idle') return;
    this.phase = 'running';
    this.cards = [];
    this.registered = 0;
    this.failed = 0;
    this.error = null;
    this.stopped = false;
    this.startedAt = this.now();
    this.registeredAt = [];
    this.tallies = [];
    this.summary = null;
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
        const at = this.now();
        this.registeredAt = [...this.registeredAt, at];
        this.count(event.data.keyModel, 'registered');
        const key = event.data.keySerial
          ? `${event.data.keyModel} · ${event.data.keySerial}`
          : event.data.keyModel;
        this.onRegistered(event.data.userId, key, at);
        break;
      }
      case 'failed': {
        const card = this.card(event.data.userId, event.data.displayName);
        if (card.keyId) this.onKey(card.keyId, card.displayName, 'failed');
        card.state = 'failed';
        card.message =
          event.data.error.kind === 'keyHasPin'
            ? `${event.data.error.message}. ${msg.pinChoice.inBatch}`
            : event.data.error.message;
        if (event.data.keyModel) this.count(event.data.keyModel, 'failed');
        break;
      }
      case 'finished':
        this.registered = event.data.registered;
        this.failed = event.data.failed;
        this.stopped = event.data.stopped;
        this.summary = event.data.summary;
        break;
    }
  }

  private count(key: string, what: 'registered' | 'failed'): void {
    const old = this.tallies.find((t) => t.key === key) ?? { key, registered: 0, failed: 0 };
    const next = { ...old, [what]: old[what] + 1 };
    this.tallies = [next, ...this.tallies.filter((t) => t.key !== key)].sort(
      (a, b) => b.registered + b.failed - (a.registered + a.failed) || a.key.localeCompare(b.key),
    );
  }

  private card(userId: string, displayName: string): BatchCard {
    const found = this.cards.find((c) => c.userId === userId);
    if (found) return found;
    this.cards.push({ userId, displayName, message: '', state: 'working', keySerial: null });
    // The proxied card, so later changes reach the page.
    return this.cards[this.cards.length - 1] as BatchCard;
  }
}
