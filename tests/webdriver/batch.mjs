#!/usr/bin/env node
// End-to-end, NOT in demo mode: a simulated tenant as its own process (`keydesk-cli sim`),
// the app started with the shared global options pointing at it, `--auth delegated` and
// `--soft-keys 2`. The app signs the operator in at start with the browser flow: its
// `$BROWSER` (set in tauri-driver's environment, which the app inherits) is
// tests/webdriver/sim-browser.mjs, which completes the simulator's sign-in page over HTTP.
// `--group` names two groups (the simulator's `--duplicate-group`), so the operator picks
// the group by searching its name; (e) a key model the FIDO2 policy blocks is refused
// before anything is written; (d) a key that already has a PIN is reset through the
// re-plug flow for one user; a batch works the other users over the keys; one PIN letter
// is printed and confirmed; the simulator's `/_sim/state` must show exactly one passkey
// per user.
//
// Env: KEYDESK_APP, KEYDESK_CLI (the binaries), WEBDRIVER_URL (default
// http://127.0.0.1:4444), SCREENSHOT_DIR (default target), XVFB_SCREEN (Xvfb's `-fbdir`
// framebuffer file: screenshots are read from it, see xvfb-shot.mjs; without it WebDriver's
// own screenshot is tried). Node 20, no dependencies.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { STEP_TIMEOUT_MS, dumpPage, endSession, runMain, session, sleep, waitFor, wd } from './driver.mjs';
import { GROUP, OPERATOR, TENANT, appArgs, startSim } from './sim-tenant.mjs';

const APP = process.env.KEYDESK_APP;
const CLI = process.env.KEYDESK_CLI;
const SHOT_DIR = process.env.SCREENSHOT_DIR || 'target';
const USERS = 5;
/** The model of `--soft-keys` keys (KeyDesk Soft Key). */
const SOFT_KEY_AAGUID = 'aa62412e-2cce-4d8b-9c5a-0330bc24e541';

const log = (...args) => console.log(`[webdriver batch ${new Date().toISOString().slice(11, 19)}]`, ...args);


async function main() {
  if (!APP || !CLI) throw new Error('Set KEYDESK_APP and KEYDESK_CLI to the built binaries.');
  // --duplicate-group: a second group of the same name (one user), as Entra allows.
  // The operator holds Authentication Administrator (to register passkeys for others) and
  // Global Reader (to read the FIDO2 policy), as a desk operator in Entra would.
  const roles = ['Authentication Administrator', 'Global Reader'].flatMap((r) => ['--operator-role', r]);
  const { sim, url } = await startSim(CLI, ['--users', String(USERS), '--duplicate-group', ...roles]);
  log(`simulated tenant at ${url}`);
  const dataDir = await mkdtemp(join(tmpdir(), 'keydesk-wd-'));
  const args = appArgs(url, dataDir, 2);
  log(`new session: ${APP} ${args.join(' ')}`);
  const created = await wd('POST', '/session', {
    capabilities: { alwaysMatch: { 'tauri:options': { application: APP, args } } },
  });
  const id = created.sessionId;
  log(`session ${id}`);
  const s = session(id, SHOT_DIR);
  let failed = false;
  try {
    // (a) Signed in at start with the options and the browser flow: the header names the
    // tenant and the simulator's operator, a person (read from `title`: the header may
    // clip its text, and WebDriver reads what shows).
    const header = (what, css, want) =>
      waitFor(what, async () => {
        const el = await s.find(css);
        return el && ((await s.attr(el, 'title')) ?? '').includes(want);
      });
    await header('the tenant in the header', '[data-testid="tenant"]', TENANT);
    await header('the signed-in operator', '[data-testid="operator"]', OPERATOR);
    // (b) --group names two groups: the queue says so. The operator searches, sees both
    // side by side with id and size, and picks the one with the 5 users.
    await header('the group in the header', '[data-testid="group"]', GROUP);
    const ambiguous = await s.waitElement('the ambiguous-group error', '[data-testid="error"]', (t) =>
      t.includes(GROUP),
    );
    log(`queue: ${(await s.text(ambiguous)).split('\n')[0]}`);
    await s.click(await s.waitElement('"Change" group', '[data-testid="pick-group"]'));
    await s.type(await s.waitElement('the group search box', '[data-testid="group-search"]'), 'fido');
    await s.click(await s.find('[data-testid="group-search-go"]'));
    await waitFor('two same-named groups in the results, marked', async () => {
      const same = await s.findAll('[data-testid="group-result"].same');
      return same.length === 2 && (await s.find('[data-testid="group-ambiguous-note"]'));
    });
    await s.shot('webdriver-batch-group.png');
    const five = await s.waitElement('the group of 5 users', `[data-testid="group-result"][data-members="${USERS}"]`);
    const picked = await s.attr(five, 'data-group-id');
    await s.click(await s.findIn(five, '[data-testid="group-use"]'));
    log(`picked group ${picked} (${USERS} users) by search`);
    await waitFor(`${USERS} pending users`, async () =>
      (await s.findAll('[data-testid="user-row"][data-status="pending"]')).length >= USERS ? true : null,
    );
    if (await s.find('[data-testid="demo-badge"]')) throw new Error('the app says demo mode');
    await waitFor('2 simulated keys in the tray', async () =>
      (await s.findAll('[data-testid="key"]')).length === 2 ? true : null,
    );
    await s.shot('webdriver-batch-queue.png');

    // (e) The tenant's FIDO2 policy blocks the simulated keys' model: provisioning the
    // selected user is refused in pre-flight, before anything is written to the key, and
    // the window says the policy line that refuses it. The key stays blank: the batch
    // below uses it.
    const policy = (keyRestrictions) =>
      fetch(`${url}/_sim/policy`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ keyRestrictions }),
        signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
      }).then((r) => {
        if (!r.ok) throw new Error(`POST /_sim/policy: ${r.status}`);
      });
    await policy({ isEnforced: true, enforcementType: 'block', aaGuids: [SOFT_KEY_AAGUID] });
    await s.click(await s.waitElement('"Provision this user"', '[data-testid="provision"]'));
    const line = `key restrictions: enforced, block ${SOFT_KEY_AAGUID}`;
    const refusal = await s.waitElement('the policy refusal with its line', '[data-testid="error"]', (t) =>
      t.includes(line),
    );
    log(`refused: ${(await s.text(refusal)).split('\n').slice(0, 2).join(' ')}`);
    await s.shot('webdriver-batch-policy.png');
    const before = await (await fetch(`${url}/_sim/state`)).json();
    if (before.users.some((u) => u.passkeyCount > 0)) throw new Error('a passkey was registered despite the policy');
    await policy({ isEnforced: false, enforcementType: 'block', aaGuids: [] });

    // (d) A key that already has a PIN: the blank keys go to the drawer, the panel plugs a
    // key with a PIN (and shows it). Provisioning the next pending user meets it and offers
    // Change PIN / Reset key / Skip; Reset asks first, with the focus off the destructive
    // button; then the re-plug prompt names the key, the key is pulled and plugged back in,
    // and a 10-second countdown runs for the reset's touch.
    const blanks = await Promise.all((await s.findAll('[data-testid="key"]')).map((k) => s.attr(k, 'data-key-id')));
    for (const pull of await s.findAll('[data-testid="demo-pull"]')) await s.click(pull);
    await waitFor('no key in the tray', async () => ((await s.findAll('[data-testid="key"]')).length === 0 ? true : null));
    await s.click(await s.find('[data-testid="demo-with-pin"]'));
    await s.click(await s.find('[data-testid="demo-plug"]'));
    const pluggedAt = Date.now();
    await s.waitElement('the PIN on the key card', '[data-testid="key-pin"]', (t) => /\d{6}/.test(t));
    const pinKey = await s.attr(await s.find('[data-testid="key"]'), 'data-key-id');
    await s.click(await s.find('[data-testid="demo-with-pin"]'));
    const pending = await s.waitElement('a pending user', '[data-testid="user-row"][data-status="pending"]');
    await s.click(pending);
    await s.click(await s.waitElement('"Provision this user"', '[data-testid="provision"]'));
    await s.waitElement('the key-has-PIN error with its tries', '[data-testid="error"]', (t) =>
      t.includes('already has a PIN') && t.includes('8 PIN tries left'),
    );
    await s.waitElement('the three choices', '[data-testid="pin-choice"]', (t) =>
      t.includes('Change PIN') && t.includes('Reset key') && t.includes('Skip'),
    );
    await s.shot('webdriver-batch-pin-choice.png');
    // A key takes a reset only within 10 s of being plugged in: wait that out, so the
    // engine has to ask for the re-plug.
    await sleep(Math.max(0, 11_000 - (Date.now() - pluggedAt)));
    await s.click(await s.find('[data-testid="reset-key"]'));
    await s.waitElement('the reset confirmation', '[data-testid="confirm"]', (t) =>
      t.includes('every passkey and credential') && t.includes('cannot be undone'),
    );
    const focused = await s.run('return document.activeElement?.dataset?.testid ?? null');
    if (focused !== 'confirm-no') throw new Error(`the reset question starts on "${focused}", not on Cancel`);
    await s.shot('webdriver-batch-reset-confirm.png');
    await s.click(await s.find('[data-testid="confirm-yes"]'));
    await s.waitElement('the re-plug prompt naming the key', '[data-testid="prompt-replug"]', (t) =>
      t.includes('Pull') && t.includes('back in'),
    );
    await s.shot('webdriver-batch-replug.png');
    await s.click(await s.find(`[data-key-id="${pinKey}"] [data-testid="demo-pull"]`));
    await s.click(await s.waitElement('"Plug back in"', `[data-testid="demo-replug"][data-key-id="${pinKey}"]`));
    await s.waitElement('the reset prompt', '[data-testid="prompt-reset"]', (t) => t.includes('Touch'));
    await s.waitElement('the re-plugged key naming its user', `[data-key-id="${pinKey}"] [data-testid="key-serving"]`);
    const left = await s.attr(await s.waitElement('the countdown', '[data-testid="countdown"]'), 'data-left');
    if (!(Number(left) > 0 && Number(left) <= 10)) throw new Error(`the reset countdown shows ${left}`);
    await s.shot('webdriver-batch-reset-countdown.png');
    await s.click(await s.find(`[data-key-id="${pinKey}"] [data-testid="demo-touch"]`));
    log(`key ${pinKey} reset after a re-plug (countdown at ${left} s)`);
    await s.waitElement('the touch prompt', '[data-step="touchKey"]');
    await s.click(await s.find(`[data-key-id="${pinKey}"] [data-testid="demo-touch"]`));
    await s.waitElement('"Registered"', '[data-testid="registered"]');
    await s.shot('webdriver-batch-reset-registered.png');
    log('the user with the reset key is registered');
    await s.click(await s.waitElement('"Next user"', '[data-testid="next"]'));
    // Its letter waits in "Letters to print": leave it for later.
    await s.click(await s.waitElement('"Leave it for later"', '[data-testid="confirm-yes"]'));
    for (const key of blanks) {
      await s.click(await s.waitElement('"Plug back in"', `[data-testid="demo-replug"][data-key-id="${key}"]`));
    }
    await waitFor('the blank keys back in the tray', async () => {
      const ids = await Promise.all((await s.findAll('[data-testid="key"]')).map((k) => s.attr(k, 'data-key-id')));
      return blanks.every((b) => ids.includes(b)) ? true : null;
    });

    // (c) A batch of all users over the 2 keys.
    await s.click(await s.waitElement('"Start batch"', '[data-testid="batch-start"]'));
    let two = false;
    // Each key waiting for a touch names the user it serves (they said "Free" once).
    const touchCards = () =>
      s.run(
        'return [...document.querySelectorAll(\'[data-testid="key"].touch\')].map((k) => k.querySelector(\'[data-testid="key-serving"]\')?.textContent?.trim() ?? "Free")',
      );
    let named = 0;
    let free = null;
    await waitFor('two users in progress at once', async () => {
      const working = await s.findAll('[data-testid="batch-card"][data-state="working"]');
      if (working.length >= 2) two = true;
      const cards = await touchCards();
      if (cards.includes('Free')) free = cards;
      named += cards.length;
      return (two && named > 0) || (await s.find('[data-testid="batch-summary"]'));
    });
    if (!two) throw new Error('the batch never had two users in progress at once');
    if (free) throw new Error(`a key waiting for a touch said "Free": ${JSON.stringify(free)}`);
    log(`keys waiting for a touch named their users ${named} times, never "Free"`);
    await s.shot('webdriver-batch-running.png');
    log('two users in progress at once');
    const summary = await s.waitElement('the batch summary', '[data-testid="batch-summary"]', () => true);
    const text = await s.text(summary);
    if (!text.includes(`${USERS - 1} registered`)) throw new Error(`batch summary: "${text}"`);
    log(`batch: ${text}`);
    // The summary saved as CSV by the backend: the totals, one line per user with its key's
    // model and serial, no PIN.
    await s.click(await s.waitElement('"Save summary (CSV)"', '[data-testid="batch-export-csv"]'));
    await s.click(await s.waitElement('the "Save" button', '[data-testid="save-submit"]'));
    const savedSummary = await s.text(await s.waitElement('the saved summary', '[data-testid="save-done"] code'));
    const csv = await readFile(savedSummary, 'utf8');
    const mode = (await stat(savedSummary)).mode & 0o777;
    await rm(savedSummary, { force: true });
    const userLines = csv.split('\r\n').filter((l) => /,registered,KeyDesk Soft Key,SIM\d+,/.test(l));
    // The batch works the users the single jobs before it (d, e) left: USERS - 1.
    const batched = USERS - 1;
    if (!csv.includes(`# registered,${batched}\r\n`) || userLines.length !== batched || mode !== 0o600) {
      throw new Error(`the saved summary (mode ${mode.toString(8)}):\n${csv}`);
    }
    if (/\bpin\b/i.test(csv)) throw new Error(`the saved summary names a PIN:\n${csv}`);
    await s.click(await s.waitElement('the save dialog "Close"', '[data-testid="save-close"]'));
    log(`batch summary saved as CSV: ${USERS} users, mode 600`);
    await waitFor(`all ${USERS} rows registered`, async () =>
      (await s.findAll('[data-testid="user-row"][data-status="registered"]')).length === USERS ? true : null,
    );
    await s.shot('webdriver-batch-done.png');

    // (f) One letter printed and confirmed: the PDF opens in WebKit's viewer (its printer
    // button prints; WebKit shows no print dialog under automation) and the operator
    // confirms the printout there.
    await waitFor(`"Letters to print" to count ${USERS}`, async () => {
      const el = await s.find('[data-testid="open-letters"]');
      return el && (await s.attr(el, 'data-count')) === String(USERS);
    });
    await s.click(await s.find('[data-testid="open-letters"]'));
    await s.click(await s.waitElement('a "Reprint" button', '[data-testid="letter-reprint"]'));
    await s.click(await s.waitElement('the "Print PIN letter" button', '[data-testid="print"]'));
    await waitFor('the letter PDF in the viewer', async () => {
      const frame = await s.find('[data-testid="pdf-frame"]');
      return frame && (await s.attr(frame, 'src'))?.startsWith('blob:');
    });
    await sleep(1500); // the viewer draws the page
    await s.shot('webdriver-batch-letter.png');
    await s.click(await s.waitElement('"Letter printed correctly"', '[data-testid="viewer-confirm"]'));
    await waitFor(`"Letters to print" to count ${USERS - 1}`, async () => {
      const el = await s.find('[data-testid="open-letters"]');
      return el && (await s.attr(el, 'data-count')) === String(USERS - 1);
    });
    log('one letter printed and confirmed');

    // The judge: exactly one passkey per user of the group.
    const state = await (await fetch(`${url}/_sim/state`)).json();
    const counts = state.users.map((u) => [u.upn, u.passkeyCount]);
    const once = counts.filter(([, n]) => n === 1).length;
    const more = counts.filter(([, n]) => n > 1);
    if (more.length > 0 || once !== USERS) throw new Error(`passkeys per user: ${JSON.stringify(counts)}`);
    log(`simulator: exactly one passkey for each of the ${USERS} users`);
    log('PASS');
  } catch (e) {
    failed = true;
    await dumpPage(s);
    throw e;
  } finally {
    await endSession(id, failed);
    sim.kill();
    await rm(dataDir, { recursive: true, force: true });
  }
}

runMain(main);
