/**
 * `use:focusOnMount`: the element takes the keyboard focus when it appears, so focus moves
 * to the next action after each step instead of dropping to the page body.
 */
export function focusOnMount(node: HTMLElement): void {
  queueMicrotask(() => {
    if (node.isConnected) node.focus();
  });
}

/**
 * `use:revealOnMount`: the element scrolls into view when it appears (a device code shown
 * at the foot of a long form must not sit below the window's edge).
 */
export function revealOnMount(node: HTMLElement): void {
  queueMicrotask(() => {
    // jsdom (the unit tests) has no scrollIntoView.
    if (node.isConnected && 'scrollIntoView' in node) node.scrollIntoView({ block: 'nearest' });
  });
}
