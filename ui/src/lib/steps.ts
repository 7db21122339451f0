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
}

export const STEPS: readonly StepInfo[] = [
  { step: 'fetchingOptions', label: 'Get options', needsOperator: false },
  { step: 'insertKey', label: 'Insert key', needsOperator: true },
  { step: 'checkingKey', label: 'Check key', needsOperator: false },
  { step: 'settingPin', label: 'Set PIN', needsOperator: false },
  { step: 'touchKey', label: 'Touch key', needsOperator: true },
  { step: 'registering', label: 'Register', needsOperator: false },
];

export function stepIndex(step: Step): number {
  return STEPS.findIndex((s) => s.step === step);
}

export function stepInfo(step: Step): StepInfo {
  const info = STEPS[stepIndex(step)];
  if (!info) throw new Error(`unknown step ${step}`);
  return info;
}
