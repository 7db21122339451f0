#!/usr/bin/env node
// NOT in demo mode, against `keydesk-cli sim`: the app started with `--auth device-code`
// opens its window while the sign-in waits; the connection screen shows the code large with
// the address to enter it at; the test enters it on the simulator's /devicelogin page (as
// the operator would on a phone) and the window opens the desk, the header naming the
// tenant, the operator as a person (never "unknown as …") and cloud and API version. Then
// the group picker loads a users file: two users of the tenant form the queue, and the
// unknown and repeated UPNs are listed as left out.
//
// Env: KEYDESK_APP, KEYDESK_CLI, WEBDRIVER_URL, SCREENSHOT_DIR, XVFB_SCREEN (as batch.mjs).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { STEP_TIMEOUT_MS, dumpPage, endSession, runMain, session, waitFor, wd } from './driver.mjs';
import { CLIENT_ID, GROUP, OPERATOR, TENANT, startSim } from './sim-tenant.mjs';

const APP = process.env.KEYDESK_APP;
const CLI = process.env.KEYDESK_CLI;
const SHOT_DIR = process.env.SCREENSHOT_DIR || 'target';

const log = (...args) => console.log(`[webdriver devicecode ${new Date().toISOString().slice(11, 19)}]`, ...args);



async function main() {
  if (!APP || !CLI) throw new Error('Set KEYDESK_APP and KEYDESK_CLI to the built binaries.');
  const { sim, url } = await startSim(CLI, ['--users', '4']);
  const work = await mkdtemp(join(tmpdir(), 'keydesk-wd-dc-'));
  const args = [
    '--data-dir', join(work, 'data'), '--tenant', TENANT, '--client-id', CLIENT_ID, '--auth', 'device-code',
    '--login-url', url, '--graph-url', url, '--group', GROUP, '--soft-keys', '1',
  ];
  log(`new session: ${APP} ${args.join(' ')}`);
  const created = await wd('POST', '/session', {
    capabilities: { alwaysMatch: { 'tauri:options': { application: APP, args } } },
  });
  const id = created.sessionId;
  const s = session(id, SHOT_DIR);
  let failed = false;
  try {
    // (a) The window is up while the sign-in waits: the code, large, and where to enter it.
    const codeEl = await s.waitElement('the device code', '[data-testid="device-code"]', (t) => t.trim() !== '');
    const code = (await s.text(codeEl)).trim();
    const link = await s.find('[data-testid="signin-prompt"] a');
    const page = await s.attr(link, 'href');
    if (!page.startsWith(url)) throw new Error(`the code is to be entered at ${page}, not the simulator`);
    if (!(await s.find('[data-testid="signin-prompt"] button'))) throw new Error('no copy button by the code');
    log(`code ${code} shown, to enter at ${page}`);
    await s.shot('webdriver-devicecode.png');

    // (b) The operator enters it elsewhere; the window opens the desk by itself.
    const approved = await fetch(page, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `user_code=${encodeURIComponent(code)}`,
      signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
    });
    if (!approved.ok) throw new Error(`POST ${page}: ${approved.status}`);
    // Before: "nobody yet"; the element is drawn anew once signed in.
    const operatorTitle = async () => {
      const el = await s.find('[data-testid="operator"]');
      return el ? ((await s.attr(el, 'title')) ?? '') : '';
    };
    await waitFor('the operator named', async () => (await operatorTitle()).includes(OPERATOR));
    const who = await operatorTitle();
    if (who.startsWith('unknown')) throw new Error(`the header says "${who}"`);
    // The header draws it in capitals (CSS), which WebDriver's text reads.
    const cloud = (await s.text(await s.waitElement('cloud and API version', '[data-testid="cloud"]'))).toLowerCase();
    if (!cloud.includes('global') || !cloud.includes('v1.0')) throw new Error(`cloud and API: "${cloud}"`);
    log(`header: ${who} · ${cloud}`);
    await waitFor('4 pending users', async () =>
      (await s.findAll('[data-testid="user-row"]')).length === 4 ? true : null,
    );
    await s.shot('webdriver-devicecode-desk.png');

    // (c) A users file as the queue: two of the tenant's users, one unknown, one repeated.
    const state = await (await fetch(`${url}/_sim/state`)).json();
    const [a, b] = state.users.map((u) => u.upn);
    const file = join(work, 'usersToRegister.csv');
    await writeFile(file, `upn,note\n${b},x\nghost@contoso.onmicrosoft.com,y\n${a},z\n${b.toUpperCase()},again\n`);
    await s.click(await s.waitElement('"Change" group', '[data-testid="pick-group"]'));
    await s.type(await s.waitElement('the users file field', '[data-testid="users-file"]'), file);
    await s.click(await s.find('[data-testid="users-file-load"]'));
    const problems = await s.waitElement('the lines left out', '[data-testid="users-file-problems"]', (t) =>
      t.includes('ghost@contoso.onmicrosoft.com'),
    );
    const left = await s.text(problems);
    if (!left.includes('line 5')) throw new Error(`the repeated UPN is not listed: ${left}`);
    await waitFor('the 2 listed users as the queue', async () =>
      (await s.findAll('[data-testid="user-row"]')).length === 2 ? true : null,
    );
    await s.shot('webdriver-users-file.png');
    await s.click(await s.find('[data-testid="users-file-done"]'));
    const group = await s.waitElement('the list in the header', '[data-testid="group"]');
    await waitFor('the list in the header', async () => ((await s.attr(group, 'title')) ?? '').includes('usersToRegister.csv'));
    log('PASS');
  } catch (e) {
    failed = true;
    await dumpPage(s);
    throw e;
  } finally {
    await endSession(id, failed);
    sim.kill();
    await rm(work, { recursive: true, force: true });
  }
}

runMain(main);
