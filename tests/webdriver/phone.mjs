// The phone hand-out on the real app, a step of the WebDriver test: a pending user gets a
// Temporary Access Pass shown in the window (the very pass the simulated tenant holds), the
// demo's simulated phone signs in with it and creates the passkey, and the window says the
// phone is registered; the tenant then holds no pass and an Authenticator passkey.
//
// The demo's simulated tenant is found through the app's log (KEYDESK_APP_LOG), as in
// lost-key.mjs. The pass is compared, never logged.
import { log, waitFor } from './driver.mjs';
import { simUrl } from './lost-key.mjs';

const AUTHENTICATOR_IOS = '90a3ccdf-635c-4729-a248-9b709135078f';

async function simUser(sim, upn) {
  const state = await (await fetch(`${sim}/_sim/state`)).json();
  const user = state.users.find((u) => u.upn === upn);
  if (!user) throw new Error(`the simulated tenant has no user ${upn}`);
  return user;
}

/** `s` is a WebDriver session on the desk, with at least one pending user other than `skip`. */
export async function handOutPhone(s, skip) {
  const sim = await simUrl();
  let upn = null;
  for (const row of await s.findAll('[data-testid="user-row"][data-status="pending"]')) {
    const candidate = await s.attr(row, 'data-upn');
    if (candidate && candidate !== skip) {
      upn = candidate;
      await s.click(row);
      break;
    }
  }
  if (!upn) throw new Error('no pending user for the phone');
  log(`handing out a phone to ${upn}`);
  await s.click(await s.waitElement('the "Hand out a phone" button', '[data-testid="hand-out-phone"]'));
  await s.click(await s.waitElement('the "Issue the pass" button', '[data-testid="phone-start"]'));
  await s.waitElement('the wait for the phone', '[data-testid="phone-waiting"]');
  await s.waitElement('the numbered steps naming the user', '[data-testid="phone-steps"]', (t) =>
    t.includes(upn),
  );
  await s.click(await s.waitElement('the masked pass', '[data-testid="phone-reveal"]'));
  const shown = (await s.text(await s.waitElement('the pass', '[data-testid="phone-pass"]'))).trim();
  const held = (await simUser(sim, upn)).temporaryAccessPass;
  if (!held || held.pass !== shown) throw new Error('the pass shown is not the one the tenant holds');
  if (held.isUsableOnce !== true) throw new Error('the phone pass is not one-time');
  log('the pass shown is the one the simulated tenant holds (one-time)');
  await s.shot('webdriver-phone.png');

  await s.click(await s.waitElement('the demo "the phone signs in" button', '[data-testid="demo-phone"]'));
  await s.waitAttr('the phone registered', '[data-testid="phone-done"]', 'data-outcome', 'registered');
  if (await s.find('[data-testid="phone-pass"]')) throw new Error('the pass is still on screen');
  await waitFor(`the pass of ${upn} deleted in the simulated tenant`, async () => {
    const user = await simUser(sim, upn);
    return user.hasTemporaryAccessPass === false;
  });
  const user = await simUser(sim, upn);
  if (!user.passkeys.some((p) => p.aaGuid === AUTHENTICATOR_IOS)) {
    throw new Error(`${upn} holds no Microsoft Authenticator passkey`);
  }
  log('phone registered: the pass is deleted and the passkey is Authenticator’s');
  await s.shot('webdriver-phone-done.png');
  await s.click(await s.waitElement('the phone "Close" button', '[data-testid="phone-close"]'));

  await s.click(await s.waitElement('the "Inventory" button', '[data-testid="open-inventory"]'));
  await s.type(await s.waitElement('the inventory search', '[data-testid="inventory-search"]'), upn);
  await s.waitAttr('the phone in the inventory', '[data-testid="inventory-count"]', 'data-count', '1');
  await s.click(await s.waitElement('the inventory "Close" button', '[data-testid="inventory-close"]'));
  log(`the phone of ${upn} is in the inventory`);
  return upn;
}
