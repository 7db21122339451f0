#!/usr/bin/env node
// End-to-end: drive the built KeyDesk app in --demo mode through tauri-driver (W3C WebDriver)
// and provision one user with a simulated key.
//
//   KEYDESK_APP=target/release/keydesk tauri-driver &   # listens on 127.0.0.1:4444
//   KEYDESK_APP=target/release/keydesk node tests/webdriver/provision.mjs
//
// Env: KEYDESK_APP (required), WEBDRIVER_URL (default http://127.0.0.1:4444),
// SCREENSHOT_DIR (default target), KEYDESK_UI_URL (only to try this script against the UI
// in a plain browser via chromedriver: the page is opened at that URL after the session
// starts). Node 20, no dependencies. Exits non-zero on failure and
// dumps the page source to stderr.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { WEBDRIVER, endSession, pageSource, session, waitFor, wd } from './driver.mjs';

const APP = process.env.KEYDESK_APP;
const SHOT_DIR = process.env.SCREENSHOT_DIR || 'target';

const log = (...args) => console.log(`[webdriver ${new Date().toISOString().slice(11, 19)}]`, ...args);

async function main() {
  const uiUrl = process.env.KEYDESK_UI_URL;
  if (!APP && !uiUrl) throw new Error('Set KEYDESK_APP to the path of the built KeyDesk binary.');
  log(`new session on ${WEBDRIVER} for ${APP} --demo`);
  const created = await wd('POST', '/session', {
    capabilities: { alwaysMatch: { 'tauri:options': { application: APP, args: ['--demo'] } } },
  });
  const id = created.sessionId;
  const s = session(id);
  let failed = false;
  try {
    if (uiUrl) await wd('POST', `/session/${id}/url`, { url: uiUrl });
    await s.waitElement('user rows in the queue', '[data-testid="user-row"]');

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
    await s.waitElement('the prompt "Touch your security key"', '[data-testid="prompt"]', (t) =>
      t.includes('Touch your security key'),
    );
    await s.click(touch);

    await s.waitElement('the "Registered" card', '[data-testid="registered"]');
    const pinEl = await s.waitElement('the PIN', '[data-testid="pin"]');
    const pin = (await s.text(pinEl)).replace(/\s+/g, '');
    if (!/^\d{6}$/.test(pin)) throw new Error(`expected a 6-digit PIN, got "${pin}"`);
    log('PIN shown: 6 digits');

    await waitFor(`the row of ${upn} to show data-status="registered"`, async () => {
      const el = await s.find(`[data-testid="user-row"][data-upn="${upn.replace(/["\\]/g, '\\$&')}"]`);
      return el && (await s.attr(el, 'data-status')) === 'registered';
    });

    await mkdir(SHOT_DIR, { recursive: true });
    const shot = async (name) => {
      const file = join(SHOT_DIR, name);
      await writeFile(file, Buffer.from(await s.screenshot(), 'base64'));
      log(`screenshot: ${file}`);
    };
    await shot('webdriver-provision.png');

    // Leaving a PIN whose letter nobody confirmed asks first; the PIN stays in escrow and
    // is counted under "Letters to print".
    await s.click(await s.waitElement('the "Next user" button', '[data-testid="next"]'));
    await s.click(await s.waitElement('the question before leaving the PIN', '[data-testid="confirm-yes"]'));
    await waitFor('"Letters to print" to count 1', async () => {
      const el = await s.find('[data-testid="open-letters"]');
      return el && (await s.attr(el, 'data-count')) === '1';
    });
    log('unconfirmed letter kept: Letters to print = 1');

    // The connection screen: the demo's simulated tenant, read-only, with the tenant check.
    await s.click(await s.waitElement('the header "Connection" button', '[data-testid="open-connection"]'));
    await s.click(await s.waitElement('the "Check the tenant" button', '[data-testid="check"]'));
    await s.waitElement('the tenant check lines', '[data-testid="check-line"]');
    await shot('webdriver-connection.png');
    log('PASS');
  } catch (e) {
    failed = true;
    try {
      process.stderr.write(`\n----- page source -----\n${await pageSource(s)}\n----- end page source -----\n`);
      // A blank page usually means the UI's entry module threw: importing it again
      // rejects with the same error, which the page itself never shows.
      const why = await wd('POST', `/session/${id}/execute/async`, {
        script:
          "const done = arguments[arguments.length - 1];" +
          "const entry = document.querySelector('script[type=module]');" +
          "if (!entry) { done('no entry module'); } else {" +
          "import(entry.src).then(() => done('entry module loaded; #app has ' + document.getElementById('app').childElementCount + ' children'), (e) => done('entry module failed: ' + e + ' ' + (e && e.stack)));}",
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

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`FAIL: ${e.message}\n`);
    process.exit(1);
  },
);
