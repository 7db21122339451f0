// Screenshots of the built UI (ui/dist) running against the in-memory fake backend, one per
// state: queue, insert key, touch key, registered, print letter, failure, loading, queue
// error. Needs Chromium (default /usr/bin/chromium, override with CHROMIUM). Writes to SHOTS_DIR (default ../target/ui-shots) and copies the
// registered state to ../docs/screenshot-ui.png.
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const outDir = resolve(process.env.SHOTS_DIR ?? join(root, '..', 'target', 'ui-shots'));
const docsShot = resolve(root, '..', 'docs', 'screenshot-ui.png');

const server = await preview({ root, preview: { port: 4173, strictPort: false, open: false } });
const url = server.resolvedUrls?.local[0];
if (!url) throw new Error('vite preview did not report a URL');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

try {
  await mkdir(outDir, { recursive: true });
  const page = await browser.newPage({
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
  });
  /** @param {string} name */
  const shot = async (name) => {
    const path = join(outDir, `${name}.png`);
    await page.screenshot({ path });
    console.log(`wrote ${path}`);
    return path;
  };

  await page.goto(url);
  await page.waitForSelector('[data-testid="user-row"]');
  await page.click('[data-testid="user-row"][data-status="pending"]');
  await shot('1-queue');

  await page.click('[data-testid="provision"]');
  await page.waitForSelector('[data-testid="prompt"]:text("Insert a security key")');
  await shot('2-insert-key');

  await page.click('[data-testid="demo-plug"]');
  await page.waitForSelector('[data-testid="prompt"]:text("Touch your security key")');
  await page.waitForSelector('[data-testid="demo-touch"].pulse');
  await shot('3-touch-key');

  await page.click('[data-testid="demo-touch"]');
  await page.waitForSelector('[data-testid="registered"]');
  await page.mouse.move(0, 0);
  const registered = await shot('4-registered');
  await mkdir(dirname(docsShot), { recursive: true });
  await copyFile(registered, docsShot);
  console.log(`wrote ${docsShot}`);

  await page.emulateMedia({ media: 'print' });
  await shot('5-print-letter');
  await page.emulateMedia({ media: 'screen' });

  await page.goto(`${url}?failUser=u-01`);
  await page.waitForSelector('[data-testid="user-row"]');
  await page.click('[data-testid="provision"]');
  await page.click('[data-testid="demo-plug"]');
  await page.waitForSelector('[data-testid="demo-touch"].pulse');
  await page.click('[data-testid="demo-touch"]');
  await page.waitForSelector('[data-testid="error"]');
  await shot('6-failed');

  await page.goto(`${url}?queueError=1`);
  await page.waitForSelector('[data-testid="queue-loading"]');
  await shot('7-loading');
  await page.waitForSelector('[data-testid="error"]');
  await shot('8-queue-error');
} finally {
  await browser.close();
  await new Promise((done) => server.httpServer.close(done));
}
