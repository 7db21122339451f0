#!/usr/bin/env node
// End-to-end: drive the built KeyDesk app in --demo mode through tauri-driver (W3C WebDriver),
// delete a user's existing passkey (existing-passkeys.mjs), provision one user with a
// simulated key, report that key lost (lost-key.mjs), then hand another user a phone with a
// passkey in Microsoft Authenticator (phone.mjs).
//
//   KEYDESK_APP=target/release/keydesk tauri-driver &   # listens on 127.0.0.1:4444
//   KEYDESK_APP=target/release/keydesk node tests/webdriver/provision.mjs
//
// Env: KEYDESK_APP (required), WEBDRIVER_URL (default http://127.0.0.1:4444),
// SCREENSHOT_DIR (default target), KEYDESK_APP_LOG (the file the app's log goes to, where
// the lost-key step finds the demo's simulated tenant), KEYDESK_UI_URL (only to try this script against the UI
// in a plain browser via chromedriver: the page is opened at that URL after the session
// starts). Node 20, no dependencies. Exits non-zero on failure and
// dumps the page source to stderr.
import { execFileSync } from 'node:child_process';
import { mkdir, rm, stat } from 'node:fs/promises';
import { WEBDRIVER, endSession, log, pageSource, quoted, runMain, session, sleep, waitFor, wd } from './driver.mjs';
import { existingPasskeys } from './existing-passkeys.mjs';
import { lostKey } from './lost-key.mjs';
import { handOutPhone } from './phone.mjs';


const APP = process.env.KEYDESK_APP;
const SHOT_DIR = process.env.SCREENSHOT_DIR || 'target';

async function main() {
  const uiUrl = process.env.KEYDESK_UI_URL;
  if (!APP && !uiUrl) throw new Error('Set KEYDESK_APP to the path of the built KeyDesk binary.');
  log(`new session on ${WEBDRIVER} for ${APP} --demo`);
  const created = await wd('POST', '/session', {
    capabilities: { alwaysMatch: { 'tauri:options': { application: APP, args: ['--demo'] } } },
  });
  const id = created.sessionId;
  const s = session(id, SHOT_DIR);
  let failed = false;
  try {
    if (uiUrl) await wd('POST', `/session/${id}/url`, { url: uiUrl });
    await s.waitElement('user rows in the queue', '[data-testid="user-row"]');
    await existingPasskeys(s);

    const row = await s.waitElement('a pending user row', '[data-testid="user-row"][data-status="pending"]');
    const upn = await s.attr(row, 'data-upn');
    if (!upn) throw new Error('the pending user row has no data-upn attribute');
    log(`provisioning ${upn}`);
    await s.click(row);

    const provision = await s.waitElement('the "Provision this user" button', '[data-testid="provision"]');
    await s.click(provision);

    await s.waitElement('the prompt "Insert a security key"', '[data-testid="prompt"]', (t) =>
      t.includes('Insert a security key'),
    );
    await s.click(await s.waitElement('the demo "Plug in a simulated key" button', '[data-testid="demo-plug"]'));

    const touch = await s.waitElement('a demo "Touch" button', '[data-testid="demo-touch"]');
    // The key tray names models from the simulator's FIDO metadata BLOB (issue 20).
    await s.waitElement('the tray naming its metadata', '[data-testid="metadata"]', (t) =>
      t.includes('FIDO metadata no. 1'),
    );
    if (await s.find('[data-testid="key-model-unlisted"]')) {
      throw new Error('the simulated key is listed in the BLOB, yet its model is marked as not from it');
    }
    log('key tray: model named by the FIDO metadata BLOB');
    await s.waitElement('the prompt "Touch your security key"', '[data-testid="prompt"]', (t) =>
      t.includes('Touch your security key'),
    );
    await s.click(touch);

    await s.waitElement('the "Registered" card', '[data-testid="registered"]');
    const pinEl = await s.waitElement('the PIN', '[data-testid="pin"]');
    const pin = (await s.text(pinEl)).replace(/\s+/g, '');
    if (!/^\d{6}$/.test(pin)) throw new Error(`expected a 6-digit PIN, got "${pin}"`);
    log('PIN shown: 6 digits');

    await s.waitAttr(
      `the row of ${upn} to show data-status="registered"`,
      `[data-testid="user-row"][data-upn=${quoted(upn)}]`,
      'data-status',
      'registered',
    );

    await mkdir(SHOT_DIR, { recursive: true });
    await s.shot('webdriver-provision.png');

    // Leaving a PIN whose letter nobody confirmed asks first; the PIN stays in escrow and
    // is counted under "Letters to print".
    await s.click(await s.waitElement('the "Next user" button', '[data-testid="next"]'));
    await s.click(await s.waitElement('the question before leaving the PIN', '[data-testid="confirm-yes"]'));
    await waitFor('"Letters to print" to count 1', async () => {
      const el = await s.find('[data-testid="open-letters"]');
      return el && (await s.attr(el, 'data-count')) === '1';
    });
    log('unconfirmed letter kept: Letters to print = 1');

    // The letter as the backend's PDF in WebKit's viewer (its printer button prints it).
    await s.click(await s.waitElement('the header "Paper" menu', '[data-testid="open-paper"]'));
    await s.click(await s.waitElement('"Print letters waiting"', '[data-testid="paper-print-all"]'));
    await waitFor('the letters PDF in the viewer', async () => {
      const frame = await s.find('[data-testid="pdf-frame"]');
      return frame && (await s.attr(frame, 'src'))?.startsWith('blob:');
    });
    await sleep(1500); // the viewer draws the page
    await s.shot('webdriver-letter-pdf.png');
    await s.click(await s.waitElement('"Close without confirming"', '[data-testid="viewer-close"]'));

    // Save PDF: the file holds the PIN, readable by the operator only; *Saved* wipes it.
    await s.click(await s.waitElement('the header "Paper" menu', '[data-testid="open-paper"]'));
    await s.click(await s.waitElement('"Save letters waiting as PDF"', '[data-testid="paper-save-all"]'));
    await s.click(await s.waitElement('the "Save" button', '[data-testid="save-submit"]'));
    const done = await s.waitElement('the saved file', '[data-testid="save-done"] code');
    const saved = await s.text(done);
    const mode = (await stat(saved)).mode & 0o777;
    if (mode !== 0o600) throw new Error(`${saved} has mode ${mode.toString(8)}, expected 600`);
    const text = execFileSync('pdftotext', [saved, '-'], { encoding: 'utf8' });
    if (!text.includes(pin)) throw new Error(`the saved letter does not hold the PIN shown`);
    log('letter saved as PDF (0600) and holds the PIN');
    await s.click(await s.waitElement('the "Saved" button', '[data-testid="save-confirm"]'));
    await s.waitElement('the confirmation', '[data-testid="save-confirmed"]');
    await waitFor('"Letters to print" to count 0', async () => {
      const el = await s.find('[data-testid="open-letters"]');
      return el && (await s.attr(el, 'data-count')) === '0';
    });
    await rm(saved);
    await s.click(await s.waitElement('the "Close" button', '[data-testid="save-close"]'));
    log('Saved confirmed: Letters to print = 0');

    // The connection screen: the demo's simulated tenant, read-only, with the tenant check.
    await s.click(await s.waitElement('the header "Connection" button', '[data-testid="open-connection"]'));
    await s.click(await s.waitElement('the "Check the tenant" button', '[data-testid="check"]'));
    await s.waitElement('the tenant check lines', '[data-testid="check-line"]');
    await s.shot('webdriver-connection.png');
    await s.click(await s.waitElement('the "Back to the queue" button', '[data-testid="back-to-desk"]'));

    // The window is granted no core plugin (src-tauri/capabilities/default.json): a core
    // command from the page is refused, while KeyDesk's own commands work (above).
    const denied = await wd('POST', `/session/${id}/execute/async`, {
      script:
        'const done = arguments[arguments.length - 1];' +
        "window.__TAURI_INTERNALS__.invoke('plugin:window|title', { label: 'main' })" +
        '.then((v) => done(`allowed: ${v}`), (e) => done(`refused: ${e}`));',
      args: [],
    });
    if (!String(denied).startsWith('refused')) throw new Error(`a core command was not refused: ${denied}`);
    log(`core plugin commands refused (${String(denied).slice(0, 80)})`);

    await lostKey(s, upn);
    await handOutPhone(s, upn);
    log('PASS');
  } catch (e) {
    failed = true;
    try {
      process.stderr.write(`\n----- page source -----\n${await pageSource(s)}\n----- end page source -----\n`);
      // A blank page usually means the UI's entry module threw, which the page never
      // shows. WebKit resolves a second import of the same URL although its evaluation
      // threw, so the module is evaluated afresh under another URL to hear the error.
      const why = await wd('POST', `/session/${id}/execute/async`, {
        script:
          "const done = arguments[arguments.length - 1];" +
          "const entry = document.querySelector('script[type=module]');" +
          "if (!entry) { done('no entry module'); } else {" +
          "const before = document.getElementById('app').childElementCount;" +
          "import(entry.src + '?again').then(() => done('entry module evaluates; #app had ' + before + ' children'), (e) => done('entry module failed: ' + e + ' ' + (e && e.stack)));}",
        args: [],
      }).catch((e) => `(could not ask: ${e.message})`);
      process.stderr.write(`ui: ${why}\n`);
    } catch (sourceError) {
      process.stderr.write(`(could not read the page source: ${sourceError.message})\n`);
    }
    throw e;
  } finally {
    await endSession(id, failed);
  }
}

runMain(main);
