/**
 * The one check every global shortcut of the desk (Enter, J/K, /, ?) makes before it acts:
 * not while the operator types in a field, not while a dialog is open, and only on the desk
 * itself (not the lock, connection or settings screens). A dialog is any element with
 * `aria-modal="true"` (every dialog is a `Modal`: question, letters, phone, inventory,
 * history, save, PDF viewer, group picker, shortcuts sheet), plus the desk's own dialog
 * states, so a dialog about to render counts too.
 */
import type { Desk } from './desk.svelte';

/** The key went to a text field (typing there is not a shortcut). */
export function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}

/** A dialog is open over the desk. */
export function dialogOpen(desk: Desk): boolean {
  return (
    desk.confirm !== null ||
    desk.lettersOpen ||
    desk.attention.open ||
    desk.phone.open ||
    desk.groups.open ||
    desk.paper.save !== null ||
    desk.paper.viewer !== null ||
    document.querySelector('[aria-modal="true"]') !== null
  );
}

/** Whether a global shortcut must leave this key alone. */
export function shortcutBlocked(desk: Desk, event: KeyboardEvent): boolean {
  return (
    event.defaultPrevented ||
    event.ctrlKey ||
    event.metaKey ||
    event.altKey ||
    isTyping(event.target) ||
    desk.idle.locked ||
    desk.session.view !== 'desk' ||
    dialogOpen(desk)
  );
}
