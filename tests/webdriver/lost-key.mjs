// The lost-key flow on the real app, a step of the WebDriver test: the user provisioned
// before is found in the inventory, the key reported lost (the passkey must be gone from
// the simulated tenant, the entry marked revoked), a new key offered (the user is back in
// the queue as pending), and the audit chain still verifies.
//
// The simulated tenant's `/_sim/state` is the ground truth: the URL of a `keydesk-cli sim`
// the caller started, or the demo's, found through the app's log (KEYDESK_APP_LOG, where
// scripts/webdriver.sh sends tauri-driver's output).
import { readFile } from 'node:fs/promises';
import { log, quoted, waitFor } from './driver.mjs';

export async function simUrl() {
  const file = process.env.KEYDESK_APP_LOG;
  if (!file) throw new Error('Set KEYDESK_APP_LOG to the file the app logs to.');
  return waitFor('the demo tenant URL in the app log', async () => {
    const found = (await readFile(file, 'utf8')).match(/demo: simulated tenant running url=(\S+)/g);
    return found && found.at(-1).split('url=')[1];
  });
}

/** How many passkeys the simulated tenant holds for `upn`. */
export async function passkeyCount(sim, upn) {
  const state = await (await fetch(`${sim}/_sim/state`)).json();
  const user = state.users.find((u) => u.upn === upn);
  if (!user) throw new Error(`the simulated tenant has no user ${upn}`);
  return user.passkeyCount;
}

/**
 * `s` is a WebDriver session on the desk; `upn` holds exactly one passkey, from this desk.
 * `sim`: the simulated tenant's URL (default: the demo's); `shot`: the screenshot's name.
 */
export async function lostKey(s, upn, { sim: given, shot = 'webdriver-lost.png' } = {}) {
  const sim = given ?? (await simUrl());
  const before = await passkeyCount(sim, upn);
  if (before !== 1) throw new Error(`expected 1 passkey for ${upn} in the simulated tenant, found ${before}`);

  await s.click(await s.waitElement('the "Inventory" button', '[data-testid="open-inventory"]'));
  await s.type(await s.waitElement('the inventory search', '[data-testid="inventory-search"]'), upn);
  await s.waitAttr('the inventory narrowed to one key', '[data-testid="inventory-count"]', 'data-count', '1');
  const row = '[data-testid="inventory-row"]';
  await s.waitAttr('the key listed as issued', row, 'data-state', 'issued');
  await s.click(await s.waitElement('the "Lost" button', `${row} [data-testid="inventory-lost"]`));
  await s.click(await s.waitElement('the question before revoking', '[data-testid="confirm-yes"]'));

  await s.waitElement('the outcome "revoked"', '[data-testid="inventory-outcome"]');
  await s.waitAttr('the key listed as revoked', row, 'data-state', 'revoked');
  await waitFor(`the passkey of ${upn} gone from the simulated tenant`, async () => (await passkeyCount(sim, upn)) === 0);
  const queueRow = `[data-testid="user-row"][data-upn=${quoted(upn)}]`;
  await s.waitAttr(`the row of ${upn} marked revoked`, queueRow, 'data-status', 'revoked');
  log(`key reported lost: passkey of ${upn} deleted in the simulated tenant, inventory and queue say revoked`);
  await s.shot(shot);

  await s.click(await s.waitElement('the "Issue a new key" button', '[data-testid="reissue"]'));
  await s.waitElement('the re-issue confirmed', '[data-testid="reissued"]');
  await s.click(await s.waitElement('the inventory "Close" button', '[data-testid="inventory-close"]'));
  await s.waitAttr(`the row of ${upn} back to pending`, queueRow, 'data-status', 'pending');
  log('re-issue queued: the user is pending again');

  await s.click(await s.waitElement('the "History" button', '[data-testid="open-history"]'));
  await s.waitElement('the "revoked" audit entry', '[data-testid="history-row"][data-action="revoked"]');
  await s.click(await s.waitElement('the "Verify chain" button', '[data-testid="history-verify"]'));
  await s.waitAttr('the chain verified', '[data-testid="history-verdict"]', 'data-ok', 'true');
  log('audit chain verifies, with the revocation in it');
  await s.click(await s.waitElement('the history "Close" button', '[data-testid="history-close"]'));
}
