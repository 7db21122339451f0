// The README's screenshots of a day at the desk, in the light and the dark theme: the
// queue with a batch running (its strip counting per key and charting registrations) and
// the inventory. The built UI (ui/dist) against the in-memory fake backend with 200 users,
// in Chromium at 1280×800; each key is plugged and touched as an operator would. Needs
// Chromium (default /usr/bin/chromium, override with CHROMIUM). Writes
// ../docs/screenshot-queue-batch-{light,dark}.png and ../docs/screenshot-inventory-{light,dark}.png.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const docs = resolve(root, '..', 'docs');
const REGISTRATIONS = 3;

const server = await preview({ root, preview: { port: 4175, strictPort: false, open: false } });
const url = server.resolvedUrls?.local[0];
if (!url) throw new Error('vite preview did not report a URL');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const timer = setTimeout(() => {
  console.error('readme-shots: gave up after 120 s');
  process.exit(1);
}, 120_000);

try {
  for (const scheme of /** @type {const} */ (['light', 'dark'])) {
    const page = await browser.newPage({
      viewport: { width: 1280, height: 800 },
      colorScheme: scheme,
    });
    page.setDefaultTimeout(20_000);
    await page.goto(`${url}?users=200`);
    await page.waitForSelector('[data-testid="user-row"]');
    await page.click('[data-testid="batch-start"]');
    for (let i = 0; i < REGISTRATIONS; i++) {
      await page.waitForSelector('[data-testid="batch-card"][data-state="working"]');
      await page.click('[data-testid="demo-plug"]');
      await page.waitForSelector('[data-testid="demo-touch"].pulse');
      await page.click('[data-testid="demo-touch"].pulse');
      await page.waitForFunction(
        (n) =>
          document.querySelectorAll('[data-testid="batch-card"][data-state="registered"]').length >=
          n,
        i + 1,
      );
    }
    await page.waitForSelector('[data-testid="batch-chart"] rect');
    // The key panel shows the batch's cards and its Stop button, not the last key touched.
    await page.evaluate(() => document.querySelector('[data-testid="batch"]')?.scrollIntoView());
    await page.mouse.move(0, 0);
    const batch = join(docs, `screenshot-queue-batch-${scheme}.png`);
    await page.screenshot({ path: batch });
    console.log(`wrote ${batch}`);

    await page.goto(`${url}?users=200`);
    await page.waitForSelector('[data-testid="user-row"]');
    await page.click('[data-testid="open-inventory"]');
    await page.waitForSelector('[data-testid="inventory-row"]');
    await page.mouse.move(0, 0);
    const inventory = join(docs, `screenshot-inventory-${scheme}.png`);
    await page.screenshot({ path: inventory });
    console.log(`wrote ${inventory}`);
    await page.close();
  }
} finally {
  clearTimeout(timer);
  await browser.close();
  await new Promise((done) => server.httpServer.close(done));
}
