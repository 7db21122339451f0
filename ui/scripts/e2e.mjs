// End-to-end check of the built UI (ui/dist) against the in-memory fake backend in Debian's
// Chromium, at the window sizes the app allows (900×600 minimum, 1280×800, 1920×1080), in
// light and dark: a phone is handed out and one user is provisioned with the keyboard-free
// demo flow, and at each stage the queue list, the current prompt, the pass and the PIN
// must be inside the viewport and tall enough to use. Screenshots go to E2E_DIR (default ui/test-results/e2e).
// Needs Chromium (default /usr/bin/chromium, override with CHROMIUM); run `npm run build`
// first. Exits non-zero on the first failed check.
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const outDir = resolve(process.env.E2E_DIR ?? join(root, 'test-results', 'e2e'));

const SIZES = [
  { width: 900, height: 600 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];

const server = await preview({ root, preview: { port: 4174, strictPort: false, open: false } });
const url = server.resolvedUrls?.local[0];
if (!url) throw new Error('vite preview did not report a URL');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});

/**
 * Fails unless `selector` is wholly inside the viewport and at least `minHeight` px tall.
 * @param {import('playwright-core').Page} page
 * @param {string} selector
 * @param {string} what
 */
async function inView(page, selector, what, minHeight = 1) {
  const box = await page.locator(selector).first().boundingBox();
  const vp = page.viewportSize() ?? { width: 0, height: 0 };
  if (!box) throw new Error(`${what} (${selector}) is not rendered`);
  const inside =
    box.x >= 0 && box.y >= 0 && box.x + box.width <= vp.width && box.y + box.height <= vp.height;
  if (!inside || box.height < minHeight) {
    throw new Error(
      `${what} at ${vp.width}×${vp.height}: box ${JSON.stringify(box)} (min height ${minHeight})`,
    );
  }
}

let failures = 0;
try {
  await mkdir(outDir, { recursive: true });
  for (const scheme of /** @type {const} */ (['light', 'dark'])) {
    for (const size of SIZES) {
      const name = `${size.width}x${size.height}-${scheme}`;
      const page = await browser.newPage({ viewport: size, colorScheme: scheme });
      /** @param {string} stage */
      const shot = (stage) => page.screenshot({ path: join(outDir, `${name}-${stage}.png`) });
      try {
        await page.goto(url);
        await page.waitForSelector('[data-testid="user-row"]');
        // The queue list shows several rows, not a sliver.
        await inView(page, '[data-testid="user-list"]', 'queue list', 150);
        await inView(page, '[data-testid="provision"]', 'Provision button');
        await shot('1-queue');

        // A phone handed out: the pass, the steps, the countdown and Cancel all in view.
        await page.click('[data-testid="hand-out-phone"]');
        await page.click('[data-testid="phone-start"]');
        await page.click('[data-testid="phone-reveal"]');
        await inView(page, '[data-testid="phone-pass"]', 'the pass', 30);
        await inView(page, '[data-testid="phone-steps"]', 'the phone steps', 60);
        await inView(page, '[data-testid="countdown"]', 'the phone countdown');
        await inView(page, '[data-testid="phone-cancel"]', 'the phone Cancel button');
        await shot('1b-phone');
        await page.click('[data-testid="demo-phone"]');
        await page.waitForSelector('[data-testid="phone-done"][data-outcome="registered"]');
        await inView(page, '[data-testid="phone-close"]', 'the phone Close button');
        await page.click('[data-testid="phone-close"]');

        await page.click('[data-testid="provision"]');
        await page.waitForSelector('[data-testid="prompt"]:text("Insert a security key")');
        await inView(page, '[data-testid="prompt"]', 'insert prompt');
        await inView(page, '[data-testid="cancel"]', 'Cancel button');
        await inView(page, '[data-testid="countdown"]', 'countdown');
        await shot('2-insert');

        await page.click('[data-testid="demo-plug"]');
        await page.waitForSelector('[data-testid="demo-touch"].pulse');
        await inView(page, '[data-testid="prompt"]', 'touch prompt');
        await inView(page, '[data-testid="prompt-key"]', 'key named in the prompt');
        await inView(page, '[data-testid="user-list"]', 'queue list while touching', 150);
        await shot('3-touch');

        await page.click('[data-testid="demo-touch"]');
        await page.waitForSelector('[data-testid="registered"]');
        await page.mouse.move(0, 0);
        await inView(page, '[data-testid="pin"]', 'PIN');
        await inView(page, '[data-testid="print"]', 'Print button');
        await inView(page, '[data-testid="user-list"]', 'queue list with the PIN', 150);
        // UPNs are cut with an ellipsis, never overflow their row.
        const overflow = await page.$$eval('[data-testid="user-row"] .upn', (els) =>
          els.some((e) => getComputedStyle(e).textOverflow !== 'ellipsis'),
        );
        if (overflow) throw new Error(`${name}: a UPN is not cut with an ellipsis`);
        await shot('4-pin');
        console.log(`ok   ${name}`);
      } catch (e) {
        failures += 1;
        await shot('failed').catch(() => {});
        console.error(`FAIL ${name}: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        await page.close();
      }
    }
  }
} finally {
  await browser.close();
  await new Promise((done) => server.httpServer.close(done));
}
console.log(`screenshots in ${outDir}`);
process.exit(failures === 0 ? 0 : 1);
