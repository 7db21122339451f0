// The whole window in happy-dom against the fake backend, driven by the same data-testids
// the WebDriver test uses.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBackend } from './platform/fake';
import { $, $$, cleanup, click, render, waitFor } from './testing/render';

afterEach(cleanup);

describe('App', () => {
  it('shows the header, the demo badge and the queue', async () => {
    await render();
    expect($('h1')?.textContent).toBe('KeyDesk');
    expect($('[data-testid="demo-badge"]')?.textContent).toContain('DEMO');
    expect($$('[data-testid="user-row"]')).toHaveLength(12);
    expect($('[data-testid="user-row"][aria-selected="true"]')?.dataset.status).toBe('pending');
  });

  it('runs the whole provisioning flow from the buttons', async () => {
    await render();
    const row = $<HTMLElement>('[data-testid="user-row"][data-status="pending"]')!;
    const upn = row.dataset.upn!;
    row.click();
    click('[data-testid="provision"]');

    await waitFor(() =>
      expect($('[data-testid="prompt"]')?.textContent).toBe('Insert a security key'),
    );
    click('[data-testid="demo-plug"]');

    await waitFor(() =>
      expect($('[data-testid="prompt"]')?.textContent).toBe('Touch your security key'),
    );
    expect($('[data-testid="demo-touch"]')?.classList.contains('pulse')).toBe(true);
    click('[data-testid="demo-touch"]');

    await waitFor(() => expect($('[data-testid="registered"]')).not.toBeNull());
    expect($('[data-testid="pin"]')?.textContent).toMatch(/^\d{6}$/);
    expect($(`[data-testid="user-row"][data-upn="${upn}"]`)?.getAttribute('data-status')).toBe(
      'registered',
    );
    // *Print PIN letter* shows the backend's PDF in the viewer; nothing is wiped yet.
    click('[data-testid="print"]');
    await waitFor(() =>
      expect($('[data-testid="pdf-frame"]')?.getAttribute('src')).toMatch(/^blob:/),
    );
    expect($('[data-testid="pdf-viewer"]')?.textContent).toContain('printer button');
    const pin = $('[data-testid="pin"]')!.textContent!;
    const attributes = [...document.querySelectorAll('*')].flatMap((el) =>
      [...el.attributes].map((a) => a.value),
    );
    expect(attributes.filter((v) => v.includes(pin))).toEqual([]);
    click('[data-testid="viewer-close"]');
    expect($('[data-testid="pdf-viewer"]')).toBeNull();
    expect($('[data-testid="print-ask"]')?.textContent).toContain('opened for printing');
    expect($('[data-testid="print-ask"]')?.textContent).not.toContain('sent to the printer');
    click('[data-testid="confirm-printed"]');
    await waitFor(() => expect($('[data-testid="print-confirmed"]')).not.toBeNull());

    click('[data-testid="next"]');
    expect($('[data-testid="confirm"]')).toBeNull();
    expect($('[data-testid="pin"]')).toBeNull();
    expect($('[data-testid="user-row"][aria-selected="true"]')?.dataset.status).toBe('pending');
  });

  it('shows a failure with remediation and a Try again button', async () => {
    const backend = new FakeBackend();
    await render(backend);
    click('[data-testid="provision"]');
    await waitFor(() =>
      expect($('[data-testid="prompt"]')?.textContent).toBe('Insert a security key'),
    );
    click('[data-testid="demo-plug"]');
    await waitFor(() => expect($('[data-testid="demo-pull"]')).not.toBeNull());
    await waitFor(() =>
      expect($('[data-testid="prompt"]')?.textContent).toBe('Touch your security key'),
    );
    click('[data-testid="demo-pull"]');

    await waitFor(() => expect($('[data-testid="error"]')).not.toBeNull());
    expect($('[data-testid="error"]')?.textContent).toContain('Plug the key back in');
    expect($('[data-testid="retry-provision"]')?.textContent).toBe('Try again');
  });

  it('shows the queue error with its request id and retries', async () => {
    await render(new FakeBackend({ queueFailures: 1 }));
    expect($('[data-testid="error"]')?.textContent).toContain('Could not reach Microsoft Graph');
    expect($('[data-testid="request-id"]')?.textContent).toBeTruthy();
    click('[data-testid="retry"]');
    await waitFor(() => expect($$('[data-testid="user-row"]').length).toBeGreaterThan(0));
  });

  it('shows why the backend did not start instead of the desk', async () => {
    const backend = new FakeBackend();
    backend.appInfo = () =>
      Promise.reject({
        kind: 'dataFolderInUse',
        message:
          'KeyDesk did not start: another KeyDesk (PID 4242) is using the data folder /data.',
        remediation: 'Close the other KeyDesk window, or wait for that keydesk-cli run to finish.',
        requestId: null,
      });
    await render(backend);
    expect($('[data-testid="start-error"] h3')?.textContent).toBe(
      'Another KeyDesk is using this data folder.',
    );
    expect($('[data-testid="error-message"]')?.textContent).toContain('(PID 4242)');
    expect($('[data-testid="start-error"]')?.textContent).toContain(
      'Close the other KeyDesk window',
    );
    expect($$('[data-testid="user-row"]')).toHaveLength(0);
    expect($('[data-testid="tenant"]')).toBeNull();
  });

  it('filters the queue', async () => {
    await render();
    click('[data-testid="filter-done"]');
    expect($$('[data-testid="user-row"]').map((r) => r.dataset.status)).toEqual([
      'registered',
      'skipped',
    ]);
  });
});
