// Issue 14: while a batch runs the strip counts registrations and failures per key model
// (as the key cards name keys; each user leaves with a key of their own) and draws registrations over time with a text alternative;
// after it, the summary shows in the window and saves as CSV or JSON.
import { afterEach, describe, expect, it } from 'vitest';
import type { BatchEvent } from '../bindings/BatchEvent';
import type { BatchSummary } from '../bindings/BatchSummary';
import type { Registered } from '../bindings/Registered';
import { FakeBackend } from '../platform/fake';
import { FAKE_FOLDER } from '../platform/fake-paper';
import { $, $$, cleanup, click, render, waitFor } from '../testing/render';
import { bins } from './chart';
import { msg } from './messages';

afterEach(cleanup);

const registered = (userId: string, model: string, serial: string): BatchEvent => ({
  event: 'registered',
  data: {
    userId,
    upn: `${userId}@contoso.com`,
    displayName: userId,
    pin: '482915',
    keyModel: model,
    keySerial: serial,
    methodName: null,
    warnings: [],
  } satisfies Registered,
});

const summary: BatchSummary = {
  startedAt: 1_795_942_800,
  endedAt: 1_795_944_600,
  durationSecs: 1800,
  registered: 2,
  failed: 1,
  skipped: 0,
  stopped: false,
  perHour: 4,
  keys: [
    { key: 'Soft Key', registered: 1, failed: 1 },
    { key: 'YubiKey 5 NFC', registered: 1, failed: 0 },
  ],
  reasons: [{ reason: 'The key was removed.', users: 1 }],
};

describe('the batch strip and summary', () => {
  it('counts per key, charts registrations, then shows and saves the summary', async () => {
    const backend = new FakeBackend();
    let emit: (e: BatchEvent) => void = () => {};
    let finish: () => void = () => {};
    backend.batchStart = (onEvent) => {
      emit = onEvent;
      return new Promise<void>((resolve) => (finish = resolve));
    };
    const desk = await render(backend);
    const [a, b, c] = desk.queue.users.filter((u) => u.status === 'pending');
    const running = desk.batch.start();
    await waitFor(() => expect($('[data-testid="batch-dash"]')).not.toBeNull());

    emit(registered(a!.id, 'Soft Key', 'SN1'));
    emit(registered(b!.id, 'YubiKey 5 NFC', 'Y2'));
    emit({
      event: 'failed',
      data: {
        userId: c!.id,
        displayName: c!.displayName,
        keyModel: 'Soft Key',
        error: { kind: 'key', message: 'The key was removed.', remediation: '', requestId: null },
      },
    });
    await waitFor(() => expect($$('[data-testid="batch-key"]')).toHaveLength(2));
    const keys = $$('[data-testid="batch-key"]').map((li) => li.textContent?.replace(/\s+/g, ' '));
    expect(keys[0]).toContain('Soft Key');
    expect(keys[0]).toContain(msg.batch.key(1, 1));
    expect(keys[1]).toContain(msg.batch.key(1, 0));
    // The chart: two registrations in its bars, said in its text alternative too.
    const bars = $$('[data-testid="batch-chart"] rect').map((r) => Number(r.dataset.count));
    expect(bars.reduce((x, y) => x + y, 0)).toBe(2);
    expect($('[data-testid="batch-chart"] desc')?.textContent).toMatch(/: 2$/);
    // The queue's rows and the pace follow the batch as it goes.
    const rowA = desk.queue.users.find((u) => u.id === a!.id);
    expect([rowA?.status, rowA?.detail]).toEqual(['registered', 'Soft Key · SN1']);
    expect($('[data-testid="pace-strip"]')).not.toBeNull();

    emit({ event: 'finished', data: { registered: 2, failed: 1, stopped: false, summary } });
    backend.lastBatch = summary;
    finish();
    await running;
    await waitFor(() => expect($('[data-testid="batch-report"]')).not.toBeNull());
    expect($('[data-testid="batch-summary"]')?.textContent).toContain(
      msg.batch.summaryCounts(2, 1, 0),
    );
    expect($('[data-testid="batch-report-reasons"]')?.textContent).toContain(
      msg.batch.reason('The key was removed.', 1),
    );
    expect($('[data-testid="batch-report-times"]')?.textContent).toContain('30 min');

    click('[data-testid="batch-export-json"]');
    await waitFor(() => expect($('[data-testid="save-dialog"]')).not.toBeNull());
    const path = $<HTMLInputElement>('[data-testid="save-path"]')!.value;
    expect(path).toMatch(new RegExp(`^${FAKE_FOLDER}/batch-summary-\\d{8}-\\d{4}\\.json$`));
    click('[data-testid="save-submit"]');
    await waitFor(() => expect($('[data-testid="save-done"]')).not.toBeNull());
    expect(backend.paper.files.at(-1)).toMatchObject({ path, kind: 'summary', format: 'json' });
  });
});

describe('registrations over time', () => {
  it('cuts the batch into minutes and counts each', () => {
    const t0 = 1_000_000;
    const min = 60_000;
    const got = bins([t0 + 10, t0 + 20, t0 + 2 * min + 5], t0, t0 + 3 * min - 1);
    expect(got.map((b) => b.count)).toEqual([2, 0, 1]);
  });

  it('widens the intervals for a long batch, twelve at most', () => {
    const t0 = 0;
    const got = bins([0, 59 * 60_000], t0, 60 * 60_000);
    expect(got).toHaveLength(12);
    expect(got[0]!.to - got[0]!.from).toBe(5 * 60_000);
    expect(got[11]!.count).toBe(1);
  });
});
