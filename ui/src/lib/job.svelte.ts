/**
 * One provisioning run as the centre panel shows it: the current step, then the result.
 * The result holds the PIN; `clear()` drops it (the PIN is shown once and kept nowhere else).
 */
import type { IpcError } from '../bindings/IpcError';
import type { ProvisionEvent } from '../bindings/ProvisionEvent';
import type { Registered } from '../bindings/Registered';
import type { Step } from '../bindings/Step';

export type JobPhase = 'idle' | 'running' | 'registered' | 'failed';

export class Job {
  userId = $state<string | null>(null);
  phase = $state<JobPhase>('idle');
  step = $state<Step | null>(null);
  message = $state('');
  registered = $state<Registered | null>(null);
  error = $state<IpcError | null>(null);
  /** The plugged key this job works, once known (it waits for a touch). */
  keyId = $state<string | null>(null);
  /** How the operator tells the job's key apart, taken when the job took it (the label
   * outlives the key's card while the key is pulled for a reset). */
  keyLabel = $state<string | null>(null);
  /** When the current step started (ms since the epoch), for its countdown. */
  stepStartedAt = $state(0);

  start(userId: string): void {
    this.clear();
    this.userId = userId;
    this.phase = 'running';
  }

  /** Apply one streamed event. Events after the outcome are ignored. */
  apply(event: ProvisionEvent): void {
    if (this.phase !== 'running') return;
    switch (event.event) {
      case 'step':
        if (this.step !== event.data.step) this.stepStartedAt = Date.now();
        this.step = event.data.step;
        this.message = event.data.message;
        break;
      case 'keyTaken':
        this.keyId = event.data.keyId;
        break;
      case 'registered':
        this.phase = 'registered';
        this.registered = event.data;
        break;
      case 'failed':
        this.fail(event.data);
        break;
    }
  }

  /** The call ended with an error (either streamed or as the rejected promise). */
  fail(error: IpcError): void {
    if (this.phase !== 'running') return;
    this.phase = 'failed';
    this.error = error;
  }

  /** The call resolved without a terminal event: treat it as a failure, never as success. */
  finish(): void {
    if (this.phase === 'running') {
      this.fail({
        kind: 'internal',
        message: 'Provisioning ended without a result.',
        remediation: 'Check the user in Microsoft Entra before trying again.',
        requestId: null,
      });
    }
  }

  clear(): void {
    this.userId = null;
    this.phase = 'idle';
    this.step = null;
    this.message = '';
    this.registered = null;
    this.error = null;
    this.keyId = null;
    this.keyLabel = null;
    this.stepStartedAt = 0;
  }
}
