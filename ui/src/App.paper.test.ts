// The Paper menu as an operator meets it: a registered user's letter saved as a PDF and
// confirmed *Saved* (the PIN is then gone), and a report saved without touching any PIN.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBackend } from './platform/fake';
import { $, cleanup, click, render, waitFor } from './testing/render';

afterEach(cleanup);

async function registered(backend: FakeBackend) {
  await render(backend);
  click('[data-testid="provision"]');
  await waitFor(() => expect($('[data-testid="demo-plug"]')).not.toBeNull());
  click('[data-testid="demo-plug"]');
  await waitFor(() =>
    expect($('[data-testid="prompt"]')?.textContent).toBe('Touch your security key'),
  );
  click('[data-testid="demo-touch"]');
  await waitFor(() => expect($('[data-testid="registered"]')).not.toBeNull());
}

describe('the Paper menu', () => {
  it('saves the letter waiting as a PDF, and Saved wipes its PIN', async () => {
    const backend = new FakeBackend({ stepDelayMs: 0 });
    await registered(backend);
    await waitFor(() => expect($('[data-testid="open-letters"]')?.dataset.count).toBe('1'));
    click('[data-testid="open-paper"]');
    click('[data-testid="paper-save-all"]');
    await waitFor(() => expect($('[data-testid="save-path"]')).not.toBeNull());
    expect($('[data-testid="save-dialog"]')?.textContent).toContain('holds PINs in clear');
    click('[data-testid="save-submit"]');
    await waitFor(() => expect($('[data-testid="save-confirm"]')).not.toBeNull());
    expect(backend.escrow.size).toBe(1);
    click('[data-testid="save-confirm"]');
    await waitFor(() => expect($('[data-testid="save-confirmed"]')).not.toBeNull());
    expect(backend.escrow.size).toBe(0);
    expect($('[data-testid="open-letters"]')?.dataset.count).toBe('0');
    expect($('[data-testid="print-confirmed"]')).not.toBeNull();
  });

  it('saves the Yubico report under its own name, with no Saved step', async () => {
    const backend = new FakeBackend({ stepDelayMs: 0 });
    await render(backend);
    click('[data-testid="open-paper"]');
    click('[data-testid="paper-report-yubico"]');
    await waitFor(() =>
      expect(($('[data-testid="save-path"]') as HTMLInputElement).value).toMatch(
        /\/keysRegistered-\d{8}-\d{4}\.csv$/,
      ),
    );
    click('[data-testid="save-submit"]');
    await waitFor(() => expect($('[data-testid="save-done"]')).not.toBeNull());
    expect($('[data-testid="save-confirm"]')).toBeNull();
    expect(backend.paper.files.map((f) => f.kind)).toEqual(['report']);
  });
});
