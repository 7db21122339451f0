/**
 * The six provisioning steps as the stepper shows them: a short label, and whether the
 * operator has to act. What the operator is told while a step runs is not here: it is the
 * engine's wording (`Step::prompt`), carried by the step event's `message`.
 */
import type { Step } from '../bindings/Step';

export interface StepInfo {
  step: Step;
  /** Stepper label. */
  label: string;
  /** The operator has to act (insert, touch). */
  needsOperator: boolean;
  /** Cancel (and Esc) stops the job safely here: nothing has been written to a key yet. */
  cancellable: boolean;
  /**
   * Seconds the step waits before it gives up, shown as a countdown; null when it does not
   * wait on the operator. Touch: the key itself stops waiting (CTAP user-action timeout,
   * 30 s on the keys KeyDesk knows). Insert: the window cancels the job after two minutes.
   */
  timeoutSecs: number | null;
}

export const STEPS: readonly StepInfo[] = [
  step('fetchingOptions', 'Get options', { cancellable: true }),
  step('insertKey', 'Insert key', { needsOperator: true, cancellable: true, timeoutSecs: 120 }),
  step('checkingKey', 'Check key'),
  step('settingPin', 'Set PIN'),
  step('touchKey', 'Touch key', { needsOperator: true, timeoutSecs: 30 }),
  step('registering', 'Register'),
];

/**
 * Steps of a key that is reset (the operator chose it), outside the stepper's six: the
 * stepper shows them as *Check key*. The key accepts a reset only within 10 s of being
 * plugged in, and wants a touch in that time.
 */
export const RESET_STEPS: readonly StepInfo[] = [
  step('replugKey', 'Re-plug key', { needsOperator: true, cancellable: true }),
  step('resetKey', 'Reset key', { needsOperator: true, timeoutSecs: 10 }),
];

function step(s: Step, label: string, more: Partial<StepInfo> = {}): StepInfo {
  return { step: s, label, needsOperator: false, cancellable: false, timeoutSecs: null, ...more };
}

/** Whole seconds left of `totalSecs` started at `startedAt` (ms), never below zero. */
export function secondsLeft(startedAt: number, totalSecs: number, now: number): number {
  return Math.max(0, Math.ceil(totalSecs - (now - startedAt) / 1000));
}

export function stepIndex(step: Step): number {
  const shownAs = RESET_STEPS.some((s) => s.step === step) ? 'checkingKey' : step;
  return STEPS.findIndex((s) => s.step === shownAs);
}

export function stepInfo(step: Step): StepInfo {
  const info = STEPS.find((s) => s.step === step) ?? RESET_STEPS.find((s) => s.step === step);
  if (!info) throw new Error(`unknown step ${step}`);
  return info;
}
