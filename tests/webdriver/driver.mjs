// The W3C WebDriver client the WebDriver tests share: requests, polling, and a session
// with the few element commands they use. Node 20, no dependencies.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const WEBDRIVER = (process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444').replace(/\/$/, '');
const STEP_TIMEOUT_MS = Number(process.env.WEBDRIVER_STEP_TIMEOUT_MS ?? 20_000);
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export const log = (...args) => console.log(`[webdriver ${new Date().toISOString().slice(11, 19)}]`, ...args);

/** One WebDriver request; rejects with the driver's error. */
export async function wd(method, path, body) {
  const res = await fetch(`${WEBDRIVER}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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
    await sleep(200);
  }
}

/** A CSS attribute selector's value, quoted. */
export const quoted = (value) => `"${value.replace(/["\\]/g, '\\$&')}"`;

/** The element commands of session `id`; screenshots go to `shotDir`. */
export function session(id, shotDir) {
  const base = `/session/${id}`;
  const s = {
    id,
    findAll: async (css) =>
      (await wd('POST', `${base}/elements`, { using: 'css selector', value: css })).map((e) => e[ELEMENT]),
    find: async (css) => (await s.findAll(css))[0] ?? null,
    text: (el) => wd('GET', `${base}/element/${el}/text`),
    attr: (el, name) => wd('GET', `${base}/element/${el}/attribute/${encodeURIComponent(name)}`),
    click: (el) => wd('POST', `${base}/element/${el}/click`, {}),
    type: (el, text) => wd('POST', `${base}/element/${el}/value`, { text }),
    source: () => wd('GET', `${base}/source`),
    screenshot: () => wd('GET', `${base}/screenshot`),
    shot: async (name) => {
      const file = join(shotDir, name);
      await writeFile(file, Buffer.from(await s.screenshot(), 'base64'));
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
