/**
 * Prints the PIN letter on screen. Today: the window's print view (`PinLetter.svelte`)
 * through the webview's print dialog.
 *
 * Seam for the PDF letter (crate keydesk-paper): when it lands, this becomes a backend
 * call that renders the PDF and hands it to the OS print dialog (or saves it); callers
 * stay as they are, and still ask the operator to confirm the printout.
 */
export function printLetter(): void {
  window.print();
}
