// End-to-end check of the queue at scale and of accessibility: the built UI (ui/dist) with
// the fake backend serving 10,000 users (`?users=10000`) in Debian's Chromium, in light and
// dark (the OS scheme, then the theme menu in Settings). Checks: the list renders a window of
// rows only; "/" focuses search and results follow each keystroke; the status menu's counts
// match what it shows; Space and *Mark all shown* mark users and a confirmed bulk skip
// empties the pending status; the confirm dialog starts on the safe answer; End reaches row
// 10,000; ? opens the shortcuts sheet and K moves up; the inventory finds a key by serial,
// reports it lost (confirmed) and re-issues, and marks another returned; History shows the
// lost key and its chain verifies (and a tampered log does not); a batch shows its per-key
// counts, chart and summary; the theme menu is remembered across a reload; at 900×600
// with users marked the bulk bar is one row and the list keeps its rows; axe-core finds no serious or
// critical violation (queue, search, bulk bar, confirm dialog, settings). Screenshots go to
// E2E_DIR (default ui/test-results/e2e-queue). Run `npm run build` first.
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const outDir = resolve(process.env.E2E_DIR ?? join(root, 'test-results', 'e2e-queue'));
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const N = 10_000;

const server = await preview({ root, preview: { port: 4176, strictPort: false, open: false } });
const base = server.resolvedUrls?.local[0];
if (!base) throw new Error('vite preview did not report a URL');
const url = `${base}?users=${N}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});

/** @param {boolean} ok @param {string} what */
function check(ok, what) {
  if (!ok) throw new Error(what);
}

/**
 * Runs axe-core (WCAG 2 A/AA rules) on the page; fails on a serious or critical violation.
 * @param {import('playwright-core').Page} page
 * @param {string} where
 */
async function axe(page, where) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    // @ts-expect-error injected above
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations
      .filter((/** @type {any} */ v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (/** @type {any} */ v) =>
          `${v.id} (${v.impact}): ${v.nodes
            .slice(0, 3)
            .map((/** @type {any} */ n) => n.target.join(' '))
            .join(' | ')}`,
      );
  });
  check(violations.length === 0, `axe at ${where}:\n  ${violations.join('\n  ')}`);
}

/** @param {import('playwright-core').Page} page */
const shown = async (page) =>
  Number(await page.locator('[data-testid="queue-total"]').getAttribute('data-shown'));

let failures = 0;
try {
  await mkdir(outDir, { recursive: true });
  for (const scheme of /** @type {const} */ (['light', 'dark'])) {
    const page = await browser.newPage({
      viewport: { width: 1280, height: 800 },
      colorScheme: scheme,
    });
    /** @param {string} stage */
    const shot = (stage) => page.screenshot({ path: join(outDir, `${scheme}-${stage}.png`) });
    try {
      await page.goto(url);
      await page.waitForSelector('[data-testid="user-row"]');
      check((await shown(page)) === N, `shows ${await shown(page)} users, not ${N}`);
      const rows = await page.locator('[data-testid="user-row"]').count();
      check(rows > 5 && rows < 60, `${rows} rows in the DOM (virtualised: a window only)`);
      await axe(page, `${scheme} queue`);
      await shot('1-queue');

      // "/" focuses search; each keystroke narrows the list.
      await page.locator('[data-testid="user-list"] [tabindex="0"]').focus();
      await page.keyboard.press('/');
      check(
        await page.evaluate(
          () => document.activeElement?.getAttribute('data-testid') === 'queue-search',
        ),
        '"/" does not focus the search',
      );
      await page.keyboard.type('megan', { delay: 20 });
      const megan = await shown(page);
      await page.keyboard.type(' bowen', { delay: 20 });
      const meganBowen = await shown(page);
      check(
        megan < N && meganBowen > 0 && meganBowen < megan,
        `search counts ${megan} → ${meganBowen}`,
      );
      const upns = await page.$$eval('[data-testid="user-row"]', (els) =>
        els.map((e) => e.dataset.upn ?? ''),
      );
      check(
        upns.every((u) => u.startsWith('megan.bowen.')),
        'a search result does not match',
      );
      await axe(page, `${scheme} search`);
      await shot('2-search');
      await page.keyboard.press('Escape');
      check((await shown(page)) === N, 'Esc in the search box does not clear it');

      // The status menu: what it shows is what its option counted.
      for (const status of ['failed', 'registered', 'pending']) {
        const option = page.locator(
          `[data-testid="status-filter"] option[value="status:${status}"]`,
        );
        const count = Number(await option.getAttribute('data-count'));
        await page.selectOption('[data-testid="status-filter"]', `status:${status}`);
        check(
          (await shown(page)) === count,
          `${status}: shows ${await shown(page)}, counted ${count}`,
        );
        const statuses = await page.$$eval('[data-testid="user-row"]', (els) =>
          els.map((e) => e.dataset.status),
        );
        check(
          statuses.every((s) => s === status),
          `${status} filter shows other statuses`,
        );
      }
      const pending = await shown(page);

      // Mark with Space, then all shown, then skip them all (confirmed).
      await page.locator('[data-testid="user-list"] [tabindex="0"]').focus();
      await page.keyboard.press('Space');
      await page.waitForSelector('[data-testid="bulk-bar"]');
      await page.click('[data-testid="bulk-more"]');
      await page.click('[data-testid="bulk-mark-all"]');
      check(
        Number(await page.locator('[data-testid="marked-count"]').getAttribute('data-count')) ===
          pending,
        'Mark all shown did not mark every pending user',
      );
      await axe(page, `${scheme} bulk bar`);
      await shot('3-marked');
      await page.click('[data-testid="bulk-skip"]');
      await page.waitForSelector('[data-testid="confirm"]');
      check(
        await page.evaluate(
          () => document.activeElement?.getAttribute('data-testid') === 'confirm-no',
        ),
        'the confirm dialog does not start on the safe answer',
      );
      await axe(page, `${scheme} confirm`);
      await shot('4-confirm');
      await page.click('[data-testid="confirm-yes"]');
      await page.waitForSelector('[data-testid="queue-empty"]', { timeout: 20_000 });
      const left = Number(
        await page
          .locator('[data-testid="status-filter"] option[value="status:pending"]')
          .getAttribute('data-count'),
      );
      check(left === 0, `${left} users still pending after the bulk skip`);
      await shot('5-skipped');

      // Back to all; End reaches the last of 10,000 rows.
      await page.selectOption('[data-testid="status-filter"]', '');
      await page.locator('[data-testid="user-list"] [tabindex="0"]').focus();
      await page.keyboard.press('End');
      check(
        (await page.evaluate(() => document.activeElement?.getAttribute('aria-posinset'))) ===
          String(N),
        'End does not reach the last row',
      );
      await shot('6-end');

      // Shortcuts: ? opens the sheet (axe), Esc closes it; J moves down the list.
      await page.keyboard.press('Escape');
      await page.locator('body').focus();
      await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
      await page.keyboard.press('?');
      await page.waitForSelector('[data-testid="shortcuts"]');
      await axe(page, `${scheme} shortcuts sheet`);
      await shot('7-shortcuts');
      await page.keyboard.press('Escape');
      check(
        (await page.locator('[data-testid="shortcuts"]').count()) === 0,
        'Esc leaves the sheet open',
      );
      await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
      const beforeJ = await page.evaluate(() =>
        document.querySelector('[aria-selected="true"]')?.getAttribute('aria-posinset'),
      );
      await page.keyboard.press('k');
      const afterK = await page.evaluate(() =>
        document.activeElement?.getAttribute('aria-posinset'),
      );
      check(Number(afterK) === Number(beforeJ) - 1, `K moved from ${beforeJ} to ${afterK}`);

      // Inventory: report a key lost (confirmed, safe answer first), re-issue; another returned.
      await page.click('[data-testid="open-inventory"]');
      await page.waitForSelector('[data-testid="inventory-row"]');
      await axe(page, `${scheme} inventory`);
      const serial = await page
        .locator('[data-testid="inventory-row"][data-state="issued"]')
        .first()
        .getAttribute('data-serial');
      await page.fill('[data-testid="inventory-search"]', serial ?? '');
      check(
        (await page.locator('[data-testid="inventory-row"]').count()) === 1,
        'the inventory search by serial does not find exactly one key',
      );
      await page.click('[data-testid="inventory-lost"]');
      await page.waitForSelector('[data-testid="confirm"]');
      check(
        await page.evaluate(
          () => document.activeElement?.getAttribute('data-testid') === 'confirm-no',
        ),
        'the lost-key question does not start on the safe answer',
      );
      await page.click('[data-testid="confirm-yes"]');
      await page.waitForSelector('[data-testid="inventory-outcome"]');
      check(
        (await page.locator('[data-testid="inventory-row"]').first().getAttribute('data-state')) ===
          'revoked',
        'the lost key is not marked revoked',
      );
      await page.click('[data-testid="reissue"]');
      await page.waitForSelector('[data-testid="reissued"]');
      await shot('8-inventory-lost');
      await page.fill('[data-testid="inventory-search"]', '');
      await page.locator('[data-testid="inventory-returned"]').first().click();
      await page.click('[data-testid="confirm-yes"]');
      await page.waitForSelector('[data-testid="inventory-row"][data-state="returned"]');
      await axe(page, `${scheme} inventory after returned`);
      await page.keyboard.press('Escape');
      check(
        (await page.locator('[data-testid="inventory"]').count()) === 0,
        'Esc leaves the inventory open',
      );

      // History: the lost key is in the audit log; the chain verifies.
      await page.click('[data-testid="open-history"]');
      await page.waitForSelector('[data-testid="history-row"]');
      await page.selectOption('[data-testid="history-action"]', 'revoked');
      check(
        (await page.locator('[data-testid="history-row"]').count()) === 1,
        'the lost key is not in the history',
      );
      await page.click('[data-testid="history-verify"]');
      await page.waitForSelector('[data-testid="history-verdict"][data-ok="true"]');
      await axe(page, `${scheme} history`);
      await shot('9-history');
      await page.keyboard.press('Escape');

      // A batch (the small seeded group; stopped after its first user): the strip's per-key counts and
      // chart with its text alternative, then the summary, each checked by axe.
      await page.goto(base);
      await page.waitForSelector('[data-testid="user-row"]');
      await page.click('[data-testid="batch-start"]');
      await page.waitForSelector('[data-testid="batch-card"][data-state="working"]');
      await page.click('[data-testid="demo-plug"]');
      await page.waitForSelector('[data-testid="demo-touch"].pulse');
      await page.click('[data-testid="batch-stop"]');
      await page.click('[data-testid="demo-touch"].pulse');
      await page.waitForSelector('[data-testid="batch-key"]');
      const chartText = await page.locator('[data-testid="batch-chart"] desc').textContent();
      check(/: 1$/.test(chartText ?? ''), `the chart's text alternative says "${chartText}"`);
      await axe(page, `${scheme} batch strip`);
      await page.waitForSelector('[data-testid="batch-report"]');
      check(
        ((await page.locator('[data-testid="batch-summary"]').textContent()) ?? '').includes(
          '1 registered',
        ),
        'the batch summary does not count the registered user',
      );
      await axe(page, `${scheme} batch summary`);
      await shot('9b-batch-summary');

      // The theme menu overrides the OS and is remembered across a reload.
      const other = scheme === 'light' ? 'dark' : 'light';
      await page.click('[data-testid="open-settings"]');
      await page.selectOption('[data-testid="theme"]', other);
      await page.reload();
      await page.waitForSelector('[data-testid="user-row"]');
      await page.click('[data-testid="open-settings"]');
      check(
        (await page.evaluate(() => document.documentElement.dataset.theme)) === other,
        'the theme is not remembered',
      );
      await page.waitForSelector('[data-testid="settings"]');
      await axe(page, `${other} theme chosen over the OS's ${scheme} (settings)`);
      await shot(`10-theme-${other}`);
      console.log(`ok   queue at ${N}, ${scheme}`);
    } catch (e) {
      failures += 1;
      await shot('failed').catch(() => {});
      console.error(`FAIL queue ${scheme}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      await page.close();
    }
  }
  // The narrowest window (900×600) with users marked: the bulk bar is one row and costs the
  // list at most one row (it took five rows and left one or two users in view).
  {
    const page = await browser.newPage({ viewport: { width: 900, height: 600 } });
    /** Whole 60 px rows the list shows (its visible height). */
    const rowsInView = () =>
      page.$eval('[data-testid="user-list"]', (el) =>
        Math.floor(el.getBoundingClientRect().height / 60),
      );
    try {
      await page.goto(`${base}?users=200`);
      await page.waitForSelector('[data-testid="user-row"]');
      const before = await rowsInView();
      await page.locator('[data-testid="user-list"] [tabindex="0"]').focus();
      await page.keyboard.press('Space');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Space');
      await page.waitForSelector('[data-testid="bulk-bar"]');
      const bar = await page.$eval('[data-testid="bulk-bar"]', (el) => {
        const box = el.getBoundingClientRect();
        const tops = [...el.querySelectorAll('button')].map((b) => b.getBoundingClientRect().top);
        return { height: box.height, rows: new Set(tops.map(Math.round)).size };
      });
      check(bar.rows === 1, `the bulk bar's buttons sit on ${bar.rows} rows at 900×600`);
      check(bar.height <= 48, `the bulk bar is ${bar.height} px tall at 900×600`);
      const after = await rowsInView();
      check(
        after >= 4 && after >= before - 1,
        `with users marked the list shows ${after} whole rows (${before} without)`,
      );
      await page.screenshot({ path: join(outDir, '900x600-marked.png') });
      await page.click('[data-testid="bulk-more"]');
      await page.waitForSelector('[data-testid="bulk-more-menu"]');
      const menu = await page.$eval('[data-testid="bulk-more-menu"]', (el) => {
        const r = el.getBoundingClientRect();
        return r.left >= 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight;
      });
      check(menu, 'the bulk menu runs off the window at 900×600');
      await axe(page, 'bulk menu at 900×600');
      await page.screenshot({ path: join(outDir, '900x600-marked-menu.png') });
      await page.keyboard.press('Escape');
      check(
        (await page.locator('[data-testid="bulk-more-menu"]').count()) === 0,
        'Esc leaves the bulk menu open',
      );
      console.log(
        `ok   900×600 marked: bar ${bar.height} px, ${after} rows in view (${before} without)`,
      );
    } catch (e) {
      failures += 1;
      await page.screenshot({ path: join(outDir, '900x600-failed.png') }).catch(() => {});
      console.error(`FAIL 900×600 marked: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      await page.close();
    }
  }
  // A tampered log: Verify chain says it is broken, as an alert.
  {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await page.goto(`${base}?auditTampered=1`);
      await page.waitForSelector('[data-testid="user-row"]');
      await page.click('[data-testid="open-history"]');
      await page.click('[data-testid="history-verify"]');
      await page.waitForSelector('[data-testid="history-verdict"][data-ok="false"][role="alert"]');
      await axe(page, 'history with a broken chain');
      await page.screenshot({ path: join(outDir, 'history-broken.png') });
      console.log('ok   history: a tampered log does not verify');
    } catch (e) {
      failures += 1;
      console.error(`FAIL history tampered: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      await page.close();
    }
  }
} finally {
  await browser.close();
  await new Promise((done) => server.httpServer.close(done));
}
console.log(`screenshots in ${outDir}`);
process.exit(failures === 0 ? 0 : 1);
