// History: the audit export parsed into rows, search and filters, the chain's verdict
// (ok, and broken after an edit), and the window.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBackend } from '../platform/fake';
import { manyUsers } from '../platform/fake-users';
import { $, $$, cleanup, click, render, waitFor } from '../testing/render';
import { History, parseExport } from './history.svelte';
import { msg } from './messages';

afterEach(cleanup);

describe('History', () => {
  it('parses the export: entries, not the head line or junk', () => {
    const text =
      '{"seq":1,"at":1795952897,"operator":"alice","action":"registered","subject":"u-1","detail":"k","mac":"ab"}\n' +
      'not json\n' +
      '{"head":{"entries":1,"last_mac":"ab","mac":"cd"}}\n';
    expect(parseExport(text)).toEqual([
      {
        seq: 1,
        at: 1795952897,
        operator: 'alice',
        action: 'registered',
        subject: 'u-1',
        detail: 'k',
      },
    ]);
  });

  it('searches and filters newest first, and verifies the chain', async () => {
    const backend = new FakeBackend({ users: manyUsers(300) });
    await backend.skipUser('m-00001');
    const h = new History(backend);
    await h.load();
    expect(h.rows.length).toBeGreaterThan(10);
    expect(h.actions).toEqual(['registered', 'skipped']);
    const all = h.visible((id) => id);
    expect(all[0]?.action).toBe('skipped');
    h.action = 'skipped';
    expect(h.visible((id) => id)).toHaveLength(1);
    h.action = '';
    h.search = 'M-00001';
    expect(h.visible((id) => id).map((r) => r.subject)).toEqual(['m-00001']);
    await h.verify();
    expect(h.verdict).toMatchObject({ ok: true, entries: h.rows.length });

    backend.audit.tamper(2);
    await h.verify();
    expect(h.verdict?.ok).toBe(false);
    expect(h.verdict?.detail).toMatch(/entry 2/);
  });
});

describe('the history window', () => {
  it('lists, verifies with a verdict, and closes with Esc', async () => {
    await render(new FakeBackend({ users: manyUsers(100) }));
    click('[data-testid="open-history"]');
    await waitFor(() => expect($$('[data-testid="history-row"]').length).toBeGreaterThan(0));
    click('[data-testid="history-verify"]');
    await waitFor(() => expect($('[data-testid="history-verdict"]')?.dataset.ok).toBe('true'));
    expect($('[data-testid="history-verdict"]')?.textContent?.trim()).toMatch(/^Chain verified/);
    expect(msg.history.broken('x')).toMatch(/^Chain broken/);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await waitFor(() => expect($('[data-testid="history"]')).toBeNull());
  });
});
