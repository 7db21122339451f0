// The app NOT in demo mode against a simulated tenant of its own: `keydesk-cli sim` on a
// free port, and the app's command line pointing at it (`--auth delegated`, the browser
// sign-in completed by sim-browser.mjs through $BROWSER, `--soft-keys N`). Shared by
// batch.mjs and lost-key-sim.mjs.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export const TENANT = 'contoso.onmicrosoft.com';
export const CLIENT_ID = '00000000-0000-4000-8000-00000000c11d';
export const GROUP = 'FIDO Provisioning';
export const OPERATOR = 'keydesk.admin@contoso.onmicrosoft.com';

/** `keydesk-cli sim` with `args` on a free port; resolves with it and its URL once it listens. */
export async function startSim(cli, args) {
  const sim = spawn(cli, ['sim', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: sim.stdout });
  const port = await new Promise((resolve, reject) => {
    sim.on('exit', (code) => reject(new Error(`keydesk-cli sim exited (${code})`)));
    lines.on('line', (line) => {
      const m = /^LISTENING (\d+)/.exec(line);
      if (m) resolve(m[1]);
    });
  });
  // The simulator goes with the script however it ends (a timeout sends SIGTERM).
  process.on('exit', () => sim.kill());
  for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(1));
  return { sim, url: `http://127.0.0.1:${port}` };
}

/** The app's command line for the simulated tenant at `url`. */
export function appArgs(url, dataDir, softKeys) {
  return [
    '--data-dir', dataDir, '--tenant', TENANT, '--client-id', CLIENT_ID, '--auth', 'delegated',
    '--login-url', url, '--graph-url', url, '--group', GROUP, '--soft-keys', String(softKeys),
  ];
}
