/**
 * The PIN letter on screen: the one the print view renders, and where its printing stands.
 * Printing opens the system dialog, whose outcome the window cannot see, so the escrowed PIN
 * is wiped only when the operator confirms the printout (`confirmed`).
 */
import type { IpcError } from '../bindings/IpcError';
import type { Registered } from '../bindings/Registered';

export type PrintStage = 'notPrinted' | 'awaitingConfirmation' | 'confirmed';

export class LetterPrint {
  letter = $state<Registered | null>(null);
  stage = $state<PrintStage>('notPrinted');
  /** Confirming failed: the PIN stays sealed in escrow. */
  error = $state<IpcError | null>(null);
  /** The letter was reopened from escrow, not just registered. */
  reprint = $state(false);

  show(letter: Registered, reprint: boolean): void {
    this.letter = letter;
    this.reprint = reprint;
    this.stage = 'notPrinted';
    this.error = null;
  }

  /** The print dialog was opened. */
  opened(): void {
    if (this.letter && this.stage !== 'confirmed') this.stage = 'awaitingConfirmation';
  }

  /** The letter still holds a PIN nobody has confirmed on paper. */
  get unconfirmed(): boolean {
    return this.letter !== null && this.stage !== 'confirmed';
  }

  clear(): void {
    this.letter = null;
    this.stage = 'notPrinted';
    this.error = null;
    this.reprint = false;
  }
}
