/** A question the window asks before doing something that cannot be taken back. */
export interface Confirm {
  title: string;
  /** What happens, in a sentence or two. */
  body: string;
  /** The button that goes ahead. */
  confirmLabel: string;
  /** The button that stays (default "Cancel"). */
  cancelLabel?: string;
  /** Going ahead destroys something (red button). */
  danger?: boolean;
  run: () => void | Promise<void>;
}
