/**
 * `use:focusOnMount`: the element takes the keyboard focus when it appears, so focus moves
 * to the next action after each step instead of dropping to the page body.
 */
export function focusOnMount(node: HTMLElement): void {
  queueMicrotask(() => {
    if (node.isConnected) node.focus();
  });
}
