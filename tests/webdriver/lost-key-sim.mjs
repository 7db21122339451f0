#!/usr/bin/env node
// Issue 14, the lost-key flow end to end NOT in demo mode: the app against `keydesk-cli
// sim` (sim-tenant.mjs: signed in from its options, `--soft-keys 1`), one user provisioned
// from the window, then the key reported lost from the inventory (lost-key.mjs: the
// passkey must be gone from the simulator's `/_sim/state`, the queue marks the user
// revoked, a new key puts them back to pending, the window's history verifies). Then users
// leave the group (the simulator's `/_sim/leave`): that user, whose job the journal holds,
// shows "Left the group" after *Reload*; another leaves without a reload; a batch works
// only the one still a member (the other is skipped, saying so), and neither who left gets
// a passkey. After the app is closed, `keydesk-cli audit verify` on the app's data folder
// must say the chain holds, and the export must hold the revocation.
//
// Env: KEYDESK_APP, KEYDESK_CLI (the binaries), WEBDRIVER_URL, SCREENSHOT_DIR (default
// target), XVFB_SCREEN (see xvfb-shot.mjs). Node 20, no dependencies.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { STEP_TIMEOUT_MS, dumpPage, endSession, log, quoted, runMain, session, sleep, waitFor, wd } from './driver.mjs';
import { lostKey } from './lost-key.mjs';
import { GROUP, TENANT, appArgs, startSim } from './sim-tenant.mjs';

const APP = process.env.KEYDESK_APP;
const CLI = process.env.KEYDESK_CLI;
const SHOT_DIR = process.env.SCREENSHOT_DIR || 'target';
const USERS = 3;
const run = promisify(execFile);

/** `keydesk-cli --data-dir DIR audit ARGS`; retried while the app still holds the folder. */
async function audit(dataDir, args) {
  return waitFor(`keydesk-cli audit ${args[0]} on the app's data folder`, async () => {
    try {
      return await run(CLI, ['--data-dir', dataDir, 'audit', ...args], { timeout: STEP_TIMEOUT_MS });
    } catch (e) {
      // Exit 2: the folder is still locked by the closing app (or unreadable): try again.
      if (e.code === 2) return null;
      throw new Error(`keydesk-cli audit ${args.join(' ')} exited ${e.code}: ${e.stdout}${e.stderr}`);
    }
  });
}

async function main() {
  if (!APP || !CLI) throw new Error('Set KEYDESK_APP and KEYDESK_CLI to the built binaries.');
  const { sim, url } = await startSim(CLI, ['--users', String(USERS)]);
  log(`simulated tenant at ${url}`);
  const dataDir = await mkdtemp(join(tmpdir(), 'keydesk-wd-lost-'));
  const args = appArgs(url, dataDir, 1);
  const created = await wd('POST', '/session', {
    capabilities: { alwaysMatch: { 'tauri:options': { application: APP, args } } },
  });
  const id = created.sessionId;
  await mkdir(SHOT_DIR, { recursive: true });
  const s = session(id, SHOT_DIR);
  let failed = false;
  let ended = false;
  try {
    await waitFor('the tenant in the header', async () => {
      const el = await s.find('[data-testid="tenant"]');
      return el && ((await s.attr(el, 'title')) ?? '').includes(TENANT);
    });
    if (await s.find('[data-testid="demo-badge"]')) throw new Error('the app says demo mode');
    await waitFor(`${USERS} pending users`, async () =>
      (await s.findAll('[data-testid="user-row"][data-status="pending"]')).length === USERS ? true : null,
    );
    const row = await s.find('[data-testid="user-row"][data-status="pending"]');
    const upn = await s.attr(row, 'data-upn');
    await s.click(row);
    log(`provisioning ${upn} on the simulated key`);
    await s.click(await s.waitElement('"Provision this user"', '[data-testid="provision"]'));
    await s.waitElement('the "Registered" card', '[data-testid="registered"]');
    await s.waitAttr(`the row of ${upn} registered`, `[data-testid="user-row"][data-upn=${quoted(upn)}]`, 'data-status', 'registered');
    // The letter stays in escrow (Letters to print); the desk is free for the inventory.
    await s.click(await s.waitElement('the "Next user" button', '[data-testid="next"]'));
    await s.click(await s.waitElement('the question before leaving the PIN', '[data-testid="confirm-yes"]'));

    await lostKey(s, upn, { sim: url, shot: 'webdriver-sim-lost.png' });
    const passkeys = async () =>
      Object.fromEntries((await (await fetch(`${url}/_sim/state`)).json()).users.map((u) => [u.upn, u.passkeyCount]));
    const after = await passkeys();
    const kept = Object.entries(after).filter(([, n]) => n > 0);
    if (kept.length > 0) throw new Error(`passkeys left in the simulated tenant: ${JSON.stringify(kept)}`);
    log('simulator: no passkey left');

    // Users leave the group. The one with a job stays in the reloaded queue, marked.
    const leave = async (user) => {
      const r = await fetch(`${url}/_sim/leave`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ group: GROUP, user }),
        signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
      });
      if (r.status !== 204) throw new Error(`POST /_sim/leave ${user}: ${r.status} ${await r.text()}`);
    };
    const rowOf = (u) => `[data-testid="user-row"][data-upn=${quoted(u)}]`;
    await leave(upn);
    await s.click(await s.waitElement('the "Reload" button', '[data-testid="queue-reload"]'));
    await s.waitElement(`${upn} marked "Left the group"`, `${rowOf(upn)} [data-testid="left-group"]`);
    const others = [];
    for (const el of await s.findAll('[data-testid="user-row"][data-status="pending"]')) {
      const other = await s.attr(el, 'data-upn');
      if (other !== upn) others.push(other);
    }
    if (others.length !== USERS - 1) throw new Error(`pending members besides ${upn}: ${others.join(', ')}`);
    // Another leaves with no reload: the batch reads the group again and passes them by.
    const [gone, member] = others;
    await leave(gone);
    await s.click(await s.waitElement('"Start batch"', '[data-testid="batch-start"]'));
    const summary = await s.waitElement('the batch summary', '[data-testid="batch-summary"]');
    const said = await s.text(summary);
    if (!said.includes('1 registered') || !said.includes('1 skipped')) throw new Error(`batch summary: "${said}"`);
    const reasons = await s.text(await s.waitElement('the skip reason', '[data-testid="batch-report-reasons"]'));
    if (!reasons.includes('no longer a member of the group')) throw new Error(`reasons: "${reasons}"`);
    await s.waitElement(`${upn} still marked after the batch`, `${rowOf(upn)} [data-testid="left-group"]`);
    await s.shot('webdriver-sim-left-group.png');
    const now = await passkeys();
    if (now[upn] !== 0 || now[gone] !== 0 || now[member] !== 1) {
      throw new Error(`passkeys after the batch: ${JSON.stringify(now)}`);
    }
    log(`left the group: ${upn} marked, ${gone} skipped by the batch, only ${member} registered`);

    await endSession(id, false);
    ended = true;
    const verified = await audit(dataDir, ['verify']);
    if (!/^ok \d+ entries/.test(verified.stdout)) throw new Error(`audit verify said: ${verified.stdout}`);
    log(`keydesk-cli audit verify: ${verified.stdout.trim()}`);
    const exported = join(dataDir, '..', `${id}-audit.jsonl`);
    await audit(dataDir, ['export', '--out', exported]);
    const text = await readFile(exported, 'utf8');
    await rm(exported, { force: true });
    if (!text.includes('revoked')) throw new Error('the audit export holds no revocation');
    log('the audit export holds the revocation');
    log('PASS');
  } catch (e) {
    failed = true;
    if (!ended) {
      await dumpPage(s);
    }
    throw e;
  } finally {
    if (!ended) await endSession(id, failed);
    sim.kill();
    await sleep(200);
    if (process.env.KEEP_DATA) log(`data folder kept: ${dataDir}`);
    else await rm(dataDir, { recursive: true, force: true });
  }
}

runMain(main);
