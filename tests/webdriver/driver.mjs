// The W3C WebDriver client the WebDriver tests share (tauri-driver in front of
// WebKitWebDriver): requests and waits with a deadline each, and a session with the few
// element commands they use. Node 20, no dependencies.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { shootScreen } from './xvfb-shot.mjs';

export const WEBDRIVER = (process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444').replace(/\/$/, '');
export const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
/** How long one WebDriver call, or one wait for the window, may take. */
export const STEP_TIMEOUT_MS = Number(process.env.WEBDRIVER_STEP_TIMEOUT_MS ?? 30_000);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const log = (...args) => console.log(`[webdriver ${new Date().toISOString().slice(11, 19)}]`, ...args);

/** A CSS attribute selector's value, quoted. */
export const quoted = (value) => `"${value.replace(/["\\]/g, '\\$&')}"`;

/** One WebDriver call; rejects with the driver's error, or when it does not answer in time. */
export async function wd(method, path, body) {
  const res = await fetch(`${WEBDRIVER}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    // A call that never answers (a page that never finishes loading) fails the step
    // instead of hanging the test.
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  }).catch((e) => {
    throw new Error(`${method} ${path}: ${e.name === 'TimeoutError' ? `no answer in ${STEP_TIMEOUT_MS} ms` : e.message}`);
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 300)}`);
  }
  if (!res.ok || (json.value && json.value.error)) {
    const v = json.value ?? {};
    const err = new Error(`${method} ${path}: ${v.error ?? res.status}: ${v.message ?? text.slice(0, 300)}`);
    err.webdriverError = v.error;
    throw err;
  }
  return json.value;
}

/** Poll `probe` until it returns a truthy value; fail with `what` after the deadline. */
export async function waitFor(what, probe, timeoutMs = STEP_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const cause = lastError ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await sleep(150);
  }
}

/** The element calls of session `id`; screenshots go to `shotDir`. */
export function session(id, shotDir = 'target') {
  const base = `/session/${id}`;
  const s = {
    id,
    findAll: async (css) =>
      (await wd('POST', `${base}/elements`, { using: 'css selector', value: css })).map((e) => e[ELEMENT]),
    find: async (css) => (await s.findAll(css))[0] ?? null,
    findIn: async (el, css) =>
      (await wd('POST', `${base}/element/${el}/element`, { using: 'css selector', value: css }))[ELEMENT],
    text: (el) => wd('GET', `${base}/element/${el}/text`),
    attr: (el, name) => wd('GET', `${base}/element/${el}/attribute/${encodeURIComponent(name)}`),
    click: (el) => wd('POST', `${base}/element/${el}/click`, {}),
    type: (el, text) => wd('POST', `${base}/element/${el}/value`, { text }),
    source: () => wd('GET', `${base}/source`),
    run: (script) => wd('POST', `${base}/execute/sync`, { script, args: [] }),
    screenshot: () => wd('GET', `${base}/screenshot`),
    /** The screen as `shotDir/name`: Xvfb's framebuffer when the script knows it (an idle
     * page under Xvfb never answers GET /screenshot), else the driver's screenshot. */
    shot: async (name) => {
      await mkdir(shotDir, { recursive: true });
      const file = join(shotDir, name);
      if (process.env.XVFB_SCREEN) {
        await sleep(300); // the last change painted
        await shootScreen(process.env.XVFB_SCREEN, file);
      } else await writeFile(file, Buffer.from(await s.screenshot(), 'base64'));
      log(`screenshot: ${file}`);
    },
    /** Wait until an element matching `css` exists (and `accept(text)` holds, if given). */
    waitElement: (what, css, accept) =>
      waitFor(what, async () => {
        for (const el of await s.findAll(css)) {
          if (!accept || accept(await s.text(el))) return el;
        }
        return null;
      }),
    /** Wait until the element matching `css` has `name` = `value`. */
    waitAttr: (what, css, name, value) =>
      waitFor(what, async () => {
        const el = await s.find(css);
        return el && (await s.attr(el, name)) === value;
      }),
  };
  return s;
}

/** The page source for a failure's log, every PIN (letter, PIN card) and pass on screen masked. */
export async function pageSource(s) {
  return (await s.source())
    .replace(/(<strong[^>]*>)\s*\d{4,}\s*(<\/strong>)/g, '$1[PIN]$2')
    .replace(/(data-testid="phone-pass"[^>]*>)[^<]*/g, '$1[PASS]');
}

/** Writes the page source (PINs and passes masked) to stderr after a failure; a page that
 * cannot be read is only reported. */
export async function dumpPage(s) {
  try {
    process.stderr.write(`\n----- page source -----\n${await pageSource(s)}\n----- end page source -----\n`);
  } catch (sourceError) {
    process.stderr.write(`(could not read the page source: ${sourceError.message})\n`);
  }
}

/** Runs a test's `main` as the script: exit 0 when it passes, else `FAIL: why` and exit 1. */
export function runMain(main) {
  main().then(
    () => process.exit(0),
    (e) => {
      process.stderr.write(`FAIL: ${e.message}\n`);
      process.exit(1);
    },
  );
}

/** Ends session `id`; after a failure, a session that cannot be ended is only reported. */
export async function endSession(id, failed) {
  try {
    await wd('DELETE', `/session/${id}`);
  } catch (e) {
    if (!failed) throw e;
    process.stderr.write(`(could not delete the session: ${e.message})\n`);
  }
}
