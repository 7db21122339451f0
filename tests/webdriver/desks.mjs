#!/usr/bin/env node
// The app as one of several desks on a shared PostgreSQL store, NOT in demo mode: a
// throwaway cluster (initdb/pg_ctl as the `postgres` account, as keydesk_tests::pg does),
// `keydesk-cli sim`, and the app started with `--store postgres://… --desk-name desk-1`
// (PGPASSWORD and KEYDESK_POOL_SECRET come from scripts/webdriver.sh, through
// tauri-driver's environment). The header names the store; a user another desk claims
// (a claim row written as desk-2 would) shows "at desk-2" in the queue, and provisioning
// that user is refused with that desk's name. *Start batch* then works the free users
// only, and *Stop batch* ends it with no claim left.
//
// Env: KEYDESK_APP, KEYDESK_CLI, PGPASSWORD, WEBDRIVER_URL, SCREENSHOT_DIR, XVFB_SCREEN.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { dumpPage, endSession, runMain, session, waitFor, wd } from './driver.mjs';
import { CLIENT_ID, GROUP, TENANT, startSim } from './sim-tenant.mjs';

const APP = process.env.KEYDESK_APP;
const CLI = process.env.KEYDESK_CLI;
const PASSWORD = process.env.PGPASSWORD;
const SHOT_DIR = process.env.SCREENSHOT_DIR || 'target';

const log = (...args) => console.log(`[webdriver desks ${new Date().toISOString().slice(11, 19)}]`, ...args);


function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A PostgreSQL cluster in `dir` on a free port, user `keydesk`; returns pg's bin folder. */
async function startPostgres(dir) {
  const versions = readdirSync('/usr/lib/postgresql').sort();
  const bin = join('/usr/lib/postgresql', versions.at(-1), 'bin');
  if (!existsSync(join(bin, 'initdb'))) throw new Error('PostgreSQL is not installed (scripts/setup.sh)');
  const port = await freePort();
  const asPostgres = (tool, args) =>
    execFileSync('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { stdio: 'pipe', timeout: 60_000 });
  await writeFile(join(dir, 'pw'), PASSWORD);
  chmodSync(dir, 0o755);
  execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  asPostgres('initdb', ['-D', join(dir, 'data'), '-U', 'keydesk', '--auth=scram-sha-256', '--pwfile', join(dir, 'pw'), '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-o', options, '-w', '-t', '60', 'start']);
  const stop = () => {
    try {
      asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', 'stop']);
    } catch {
      // already stopped
    }
  };
  asPostgres('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'keydesk', 'keydesk']);
  const psql = (sql) =>
    execFileSync(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'keydesk', '-d', 'keydesk', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
      stdio: 'pipe',
      timeout: 30_000,
      env: { ...process.env, PGPASSWORD: PASSWORD },
    }).toString();
  return { port, stop, psql };
}


async function main() {
  if (!APP || !CLI || !PASSWORD) throw new Error('Set KEYDESK_APP, KEYDESK_CLI and PGPASSWORD.');
  const work = await mkdtemp(join(tmpdir(), 'keydesk-wd-desks-'));
  const pgDir = join(work, 'pg');
  await mkdir(pgDir);
  chmodSync(work, 0o755); // the postgres account reaches its folder through this one
  const pg = await startPostgres(pgDir);
  const { sim, url } = await startSim(CLI, ['--users', '3']);
  // (the simulator is stopped by startSim's own exit handler)
  process.on('exit', () => pg.stop());
  const store = `postgres://keydesk@127.0.0.1:${pg.port}/keydesk?sslmode=disable`;
  const args = [
    '--data-dir', join(work, 'data'), '--tenant', TENANT, '--client-id', CLIENT_ID, '--auth', 'delegated',
    '--login-url', url, '--graph-url', url, '--group', GROUP, '--soft-keys', '1',
    '--store', store, '--desk-name', 'desk-1',
  ];
  log(`new session: ${APP} ${args.join(' ')}`);
  const created = await wd('POST', '/session', {
    capabilities: { alwaysMatch: { 'tauri:options': { application: APP, args } } },
  });
  const id = created.sessionId;
  const s = session(id, SHOT_DIR);
  let failed = false;
  try {
    // The queue is drawn again when the other desks' claims change: find, then click.
    const clickFresh = (what, css) =>
      waitFor(what, async () => {
        try {
          await s.click(await s.find(css));
          return true;
        } catch (e) {
          if (/stale element/.test(e.message)) return null;
          throw e;
        }
      });
    const title = async (css) => {
      const el = await s.find(css);
      return el ? ((await s.attr(el, 'title')) ?? '') : '';
    };
    const want = `PostgreSQL 127.0.0.1/keydesk as desk-1`;
    await waitFor('the store in the header', async () => (await title('[data-testid="store"]')) === want);
    log(`header store: ${want}`);
    await waitFor('3 users in the queue', async () =>
      (await s.findAll('[data-testid="user-row"]')).length === 3 ? true : null,
    );
    const rows = await s.findAll('[data-testid="user-row"]');
    const other = await s.attr(rows[1], 'data-id');
    const name = (await s.text(rows[1])).split('\n')[0].split(' · ')[0].trim();
    const last = await s.attr(rows[2], 'data-id');

    // Desk 2 works the second user: its claim, as that desk's claim_next would write it.
    pg.psql(`INSERT INTO claims (user_id, desk, until) VALUES ('${other}', 'desk-2', now() + interval '10 minutes')`);
    await waitFor('"at desk-2" on that row', async () => {
      const row = await s.find(`[data-testid="user-row"][data-id="${other}"]`);
      const tag = row && (await s.findIn(row, '[data-testid="at-desk"]'));
      return tag && (await s.text(tag)).trim().toLowerCase() === 'at desk-2';
    });
    log(`${name} shows "at desk-2"`);
    await clickFresh('the row at desk-2', `[data-testid="user-row"][data-id="${other}"]`);
    await s.waitElement('"Provision this user"', '[data-testid="provision"]');
    await clickFresh('"Provision this user"', '[data-testid="provision"]');
    const refusal = await s.waitElement('the refusal', '[data-testid="error"]', (t) =>
      t.includes('Another desk is working this user') && t.includes('desk-2'),
    );
    const status = await waitFor('the refused row', async () => {
      try {
        return await s.attr(await s.find(`[data-testid="user-row"][data-id="${other}"]`), 'data-status');
      } catch {
        return null;
      }
    });
    if (status !== 'pending') throw new Error('the refused user no longer shows pending');
    log(`refused: ${(await s.text(refusal)).split('\n')[0]}`);
    await s.shot('webdriver-desks.png');

    // A free user is claimed by this desk, provisioned over its soft key, and released;
    // its registration is written through to the shared store.
    const free = await s.attr(rows[0], 'data-id');
    await clickFresh('a free row', `[data-testid="user-row"][data-id="${free}"]`);
    await s.waitElement('"Provision this user"', '[data-testid="provision"]');
    await clickFresh('"Provision this user"', '[data-testid="provision"]');
    await s.waitElement('the prompt "Touch your security key"', '[data-testid="prompt"]', (t) =>
      t.includes('Touch your security key'),
    );
    await s.waitElement('the "Touch" button', '[data-testid="demo-touch"]');
    await clickFresh('the "Touch" button', '[data-testid="demo-touch"]');
    await s.waitElement('the "Registered" card', '[data-testid="registered"]');
    const shared = pg.psql(`SELECT state, updated_by FROM jobs WHERE user_id = '${free}'`);
    if (!/registered\s*\|\s*desk-1/.test(shared)) throw new Error(`the shared store holds:\n${shared}`);
    const held = pg.psql(`SELECT count(*) FROM claims WHERE desk = 'desk-1'`);
    if (!/\n\s*0\n/.test(held)) throw new Error(`desk-1 still holds claims:\n${held}`);
    const audit = pg.psql(`SELECT count(*) FROM audit WHERE line LIKE 'registered %'`);
    if (!/\n\s*1\n/.test(audit)) throw new Error(`the shared audit chain holds:\n${audit}`);
    log('a free user registered at desk-1, written through to the shared store and its audit chain, released');

    // *Start batch* on the shared store: the last free user is claimed and registered at
    // this desk; the user desk-2 holds is left to it, so the batch waits until *Stop batch*.
    await clickFresh('"Next user"', '[data-testid="next"]');
    await clickFresh('"Leave it for later" (the PIN letter)', '[data-testid="confirm-yes"]');
    await waitFor('"Start batch" enabled', async () => {
      const start = await s.find('[data-testid="batch-start"]');
      return start && (await s.attr(start, 'disabled')) === null;
    });
    await clickFresh('"Start batch"', '[data-testid="batch-start"]');
    await waitFor('the last free user registered by the batch', async () => {
      const touch = await s.find('[data-testid="demo-touch"]');
      if (touch) {
        try {
          await s.click(touch);
        } catch {
          // Touched by itself meanwhile.
        }
      }
      return s.find(`[data-testid="batch-card"][data-state="registered"][data-user-id="${last}"]`);
    });
    if (await s.find(`[data-testid="batch-card"][data-user-id="${other}"]`)) {
      throw new Error('the batch worked the user desk-2 holds');
    }
    await s.shot('webdriver-desks-batch.png');
    await clickFresh('"Stop batch"', '[data-testid="batch-stop"]');
    const summary = await s.waitElement('the stopped batch summary', '[data-testid="batch-summary"]', (t) =>
      t.includes('1 registered'),
    );
    log(`batch on the shared store: ${(await s.text(summary)).trim()}`);
    const batchHeld = pg.psql(`SELECT count(*) FROM claims WHERE desk = 'desk-1'`);
    if (!/\n\s*0\n/.test(batchHeld)) throw new Error(`desk-1 still holds claims after Stop:\n${batchHeld}`);
    const registered = pg.psql(`SELECT count(*) FROM jobs WHERE state = 'registered' AND updated_by = 'desk-1'`);
    if (!/\n\s*2\n/.test(registered)) throw new Error(`registered at desk-1:\n${registered}`);
    const otherJob = pg.psql(`SELECT state FROM jobs WHERE user_id = '${other}'`);
    if (!/pending/.test(otherJob)) throw new Error(`the user at desk-2 is now:\n${otherJob}`);
    log('Start batch registered the free user, left the one at desk-2, and Stop released every claim');
    log('PASS');
  } catch (e) {
    failed = true;
    await dumpPage(s);
    throw e;
  } finally {
    await endSession(id, failed);
    sim.kill();
    pg.stop();
    await rm(work, { recursive: true, force: true });
  }
}

runMain(main);
