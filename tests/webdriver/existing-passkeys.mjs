// A user who already has a passkey, a step of the WebDriver test: the demo tenant seeds one
// ("Key from the pilot", src-tauri/src/demo.rs) for one user of its group. Selected, the user
// panel lists it with its model and date; *Delete* asks first, naming the passkey and the
// user, with the focus on keeping it; confirmed, the passkey is gone from the simulated
// tenant, the panel says the user has none, and the history holds the deletion.
import { log, quoted, waitFor } from './driver.mjs';
import { passkeyCount, simUrl } from './lost-key.mjs';

const SEEDED = 'Key from the pilot';

/** `s` is a WebDriver session on the desk, before anything was provisioned. */
export async function existingPasskeys(s) {
  const sim = await simUrl();
  const state = await (await fetch(`${sim}/_sim/state`)).json();
  const holder = state.users.find((u) => (u.passkeys ?? []).some((p) => p.displayName === SEEDED));
  if (!holder) throw new Error(`the demo tenant seeds no user with the passkey "${SEEDED}"`);
  const upn = holder.upn;

  await s.click(await s.waitElement(`the row of ${upn}`, `[data-testid="user-row"][data-upn=${quoted(upn)}]`));
  // The row's textContent, not its rendered text: WebKitWebDriver may report the text of
  // a panel scrolled out of Xvfb's window as empty.
  const rowText = "return document.querySelector('[data-testid=\"passkey-row\"]')?.textContent ?? ''";
  const listed = await waitFor(`the passkey "${SEEDED}" listed with its date`, async () => {
    const text = String(await s.run(rowText));
    return text.includes(SEEDED) && text.includes('created') ? text : null;
  });
  log(`existing passkey listed for ${upn}: ${listed.replace(/\s+/g, ' ').trim()}`);
  const row = await s.waitElement('the passkey row', '[data-testid="passkey-row"]');
  await s.shot('webdriver-passkeys.png');

  await s.click(await s.findIn(row, '[data-testid="passkey-delete"]'));
  await waitFor('the question naming the passkey and the user', async () => {
    const text = String(await s.run("return document.querySelector('[data-testid=\"confirm\"]')?.textContent ?? ''"));
    return text.includes(`Delete “${SEEDED}” from`) && text.includes('can no longer sign in with this passkey');
  });
  await waitFor('the focus on "Keep it"', async () =>
    (await s.run("return document.activeElement?.getAttribute('data-testid') ?? null")) === 'confirm-no',
  );
  await s.click(await s.waitElement('the "Delete passkey" button', '[data-testid="confirm-yes"]'));
  await s.waitElement('the deletion said', '[data-testid="passkey-deleted"]');
  await s.waitElement('the panel saying the user has none', '[data-testid="passkeys-none"]');
  await waitFor(`the passkey of ${upn} gone from the simulated tenant`, async () => (await passkeyCount(sim, upn)) === 0);
  log(`passkey "${SEEDED}" deleted after the question: gone from the simulated tenant`);

  await s.click(await s.waitElement('the "History" button', '[data-testid="open-history"]'));
  await s.waitElement('the "passkey deleted" audit entry', '[data-testid="history-row"][data-action="passkey deleted"]');
  await s.click(await s.waitElement('the history "Close" button', '[data-testid="history-close"]'));
  log('the deletion is in the audit history');
}
