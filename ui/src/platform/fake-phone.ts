/**
 * The fake backend's phones: a pass per hand-out, refused when the user already holds one
 * (unless replaced), and a phone that creates the passkey when `play` is called (the demo
 * panel's button, or a test). Cancel and the timeout delete the pass, as the real backend.
 */
import type { IpcError } from '../bindings/IpcError';
import type { PhoneEvent } from '../bindings/PhoneEvent';
import type { PhoneKind } from '../bindings/PhoneKind';
import type { PhoneRequest } from '../bindings/PhoneRequest';
import type { QueueUser } from '../bindings/QueueUser';

interface Waiting {
  userId: string;
  onEvent: (event: PhoneEvent) => void;
  resolve: () => void;
}

function refused(kind: IpcError['kind'], message: string, remediation: string): PhoneEvent {
  return { event: 'failed', data: { kind, message, remediation, requestId: null } };
}

/** A pass shaped like Entra's (letters, digits, symbols). */
function fakePass(): string {
  const chars = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!@#%&';
  const bytes = new Uint32Array(10);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => chars[b % chars.length]).join('');
}

export class FakePhones {
  /** Users (ids) holding an active pass. */
  readonly passes = new Set<string>();
  /** Phones recorded in the inventory. */
  readonly recorded: Array<{ userId: string; platform: PhoneKind }> = [];
  /** The TAP policy refuses every pass (a test sets it). */
  policyRefuses = false;
  private waiting: Waiting | null = null;

  constructor(
    private readonly users: QueueUser[],
    private readonly waitSecs = 900,
  ) {}

  handOut(request: PhoneRequest, onEvent: (event: PhoneEvent) => void): Promise<void> {
    const user = this.users.find((u) => u.id === request.userId || u.upn === request.userId);
    if (!user) {
      onEvent(refused('graphNotFound', 'No such user.', 'Reload the queue.'));
      return Promise.resolve();
    }
    if (this.policyRefuses) {
      onEvent(
        refused(
          'invalidInput',
          'Entra ID: the Temporary Access Pass policy is turned off for this tenant',
          'Turn on the Temporary Access Pass method in Entra ID, then try again.',
        ),
      );
      return Promise.resolve();
    }
    if (this.passes.has(user.id) && !request.replace) {
      onEvent(
        refused(
          'passActive',
          `${user.upn} already holds an active Temporary Access Pass, which a new one would replace`,
          'Ask the user whether they still need that pass; if not, replace it explicitly (it stops working).',
        ),
      );
      return Promise.resolve();
    }
    this.passes.add(user.id);
    onEvent({
      event: 'passIssued',
      data: {
        upn: user.upn,
        displayName: user.displayName,
        pass: fakePass(),
        lifetimeMinutes: 60,
        waitSecs: this.waitSecs,
      },
    });
    onEvent({ event: 'waiting', data: { elapsedSecs: 0 } });
    return new Promise((resolve) => {
      this.waiting = { userId: user.id, onEvent, resolve };
    });
  }

  /** The technician's phone signs in with the pass and creates the passkey. */
  play(platform: PhoneKind = 'ios'): Promise<void> {
    const w = this.end();
    if (!w) return Promise.resolve();
    w.onEvent({ event: 'detected', data: { platform } });
    w.onEvent({ event: 'passDeleted' });
    this.recorded.push({ userId: w.userId, platform });
    w.onEvent({ event: 'done', data: { outcome: 'registered', platform, passDeleted: true } });
    w.resolve();
    return Promise.resolve();
  }

  cancel(): Promise<void> {
    const w = this.end();
    if (w) {
      w.onEvent({ event: 'passDeleted' });
      w.onEvent({ event: 'done', data: { outcome: 'cancelled', passDeleted: true } });
      w.resolve();
    }
    return Promise.resolve();
  }

  /** The wait runs out (a test calls it). */
  timeOut(): void {
    const w = this.end();
    if (!w) return;
    w.onEvent({ event: 'passDeleted' });
    w.onEvent({ event: 'done', data: { outcome: 'timedOut', passDeleted: true } });
    w.resolve();
  }

  private end(): Waiting | null {
    const w = this.waiting;
    this.waiting = null;
    if (w) this.passes.delete(w.userId);
    return w;
  }
}
