/**
 * The six provisioning steps as the operator sees them: a short stepper label and, for the
 * steps that need the operator, a big prompt.
 */
import type { Step } from '../bindings/Step';

export interface StepInfo {
  step: Step;
  /** Stepper label. */
  label: string;
  /** Big prompt heading while this step runs. */
  title: string;
  /** The operator has to act (insert, touch). */
  needsOperator: boolean;
}

export const STEPS: readonly StepInfo[] = [
  {
    step: 'fetchingOptions',
    label: 'Get options',
    title: 'Contacting Microsoft Entra…',
    needsOperator: false,
  },
  { step: 'insertKey', label: 'Insert key', title: 'Insert a security key', needsOperator: true },
  { step: 'checkingKey', label: 'Check key', title: 'Checking the key…', needsOperator: false },
  { step: 'settingPin', label: 'Set PIN', title: 'Setting a new PIN…', needsOperator: false },
  { step: 'touchKey', label: 'Touch key', title: 'Touch your security key', needsOperator: true },
  {
    step: 'registering',
    label: 'Register',
    title: 'Registering the passkey…',
    needsOperator: false,
  },
];

export function stepIndex(step: Step): number {
  return STEPS.findIndex((s) => s.step === step);
}

export function stepInfo(step: Step): StepInfo {
  const info = STEPS[stepIndex(step)];
  if (!info) throw new Error(`unknown step ${step}`);
  return info;
}
