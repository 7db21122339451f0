// What leaves the desk from the window: the letters viewer, saves, and that only the
// operator's confirmation wipes a PIN.
import { describe, expect, it, vi } from 'vitest';
import type { Registered } from '../bindings/Registered';
import { FakeBackend } from '../platform/fake';
import { FAKE_FOLDER } from '../platform/fake-paper';
import { defaultName, Paper } from './paper.svelte';

const sealed = (userId: string): Registered => ({
  userId,
  upn: `${userId}@contoso.com`,
  displayName: userId,
  pin: '482915',
  keyModel: 'YubiKey 5',
  keySerial: '123',
  methodName: null,
  warnings: [],
});

function setup() {
  const backend = new FakeBackend({ stepDelayMs: 0 });
  backend.escrow.set('u1', sealed('u1'));
  backend.escrow.set('u2', sealed('u2'));
  const wiped = vi.fn(() => Promise.resolve());
  const urls = { create: vi.fn(() => 'blob:letters'), revoke: vi.fn() };
  const at = new Date(2026, 10, 29, 14, 42).getTime();
  const paper = new Paper(backend, wiped, urls, () => at);
  return { backend, paper, wiped, urls };
}

describe('Paper', () => {
  it('shows the letters PDF, and confirming the printout wipes exactly those PINs', async () => {
    const { backend, paper, wiped, urls } = setup();
    await paper.view(['u1'], 'PIN letter for u1');
    expect(paper.viewer).toMatchObject({ url: 'blob:letters', userIds: ['u1'] });
    expect(backend.escrow.has('u1')).toBe(true);
    await paper.confirmViewer();
    expect(backend.lettersPrinted).toEqual(['u1']);
    expect(backend.escrow.has('u2')).toBe(true);
    expect(wiped).toHaveBeenCalledWith(['u1']);
    expect(paper.viewer).toBeNull();
    expect(urls.revoke).toHaveBeenCalledWith('blob:letters');
  });

  it('closing the viewer forgets the PDF and keeps the PINs sealed', async () => {
    const { backend, paper, urls } = setup();
    await paper.view(['u1', 'u2'], 'Letters');
    paper.closeViewer();
    expect(urls.revoke).toHaveBeenCalledOnce();
    expect(backend.lettersPrinted).toEqual([]);
  });

  it('says so when no letter waits', async () => {
    const { paper } = setup();
    await paper.view(['nobody'], 'Letters');
    expect(paper.viewer).toBeNull();
    expect(paper.error?.kind).toBe('escrowUnavailable');
  });

  it('saves the letters beside the data folder and wipes only after Saved', async () => {
    const { backend, paper, wiped } = setup();
    await paper.startSave('letters', ['u1', 'u2']);
    expect(paper.save?.path).toBe(`${FAKE_FOLDER}/pin-letters-20261129-1442.pdf`);
    await paper.submit();
    expect(paper.save?.stage).toBe('saved');
    expect(backend.paper.files).toEqual([
      {
        path: `${FAKE_FOLDER}/pin-letters-20261129-1442.pdf`,
        kind: 'letters',
        userIds: ['u1', 'u2'],
      },
    ]);
    expect(backend.escrow.size).toBe(2);
    await paper.confirmSaved();
    expect(paper.save?.stage).toBe('confirmed');
    expect(backend.escrow.size).toBe(0);
    expect(wiped).toHaveBeenCalledWith(['u1', 'u2']);
  });

  it('refuses a file that exists and lets the operator pick another', async () => {
    const { backend, paper } = setup();
    await paper.startSave('letters', ['u1']);
    await paper.submit();
    paper.closeSave();
    await paper.startSave('letters', ['u1']);
    await paper.submit();
    expect(paper.save?.stage).toBe('choosing');
    expect(paper.save?.error?.message).toContain('already exists');
    paper.save!.path = `${FAKE_FOLDER}/again.pdf`;
    await paper.submit();
    expect(paper.save?.stage).toBe('saved');
    expect(backend.escrow.has('u1')).toBe(true);
  });

  it('labels and reports are saved without touching the escrow', async () => {
    const { backend, paper } = setup();
    await paper.startSave('labels', ['u1']);
    await paper.submit();
    await paper.confirmSaved();
    expect(paper.save?.stage).toBe('saved');
    await paper.startSave('report', [], 'yubico');
    expect(paper.save?.path).toMatch(/keysRegistered-20261129-1442\.csv$/);
    await paper.submit();
    expect(backend.paper.files.map((f) => f.kind)).toEqual(['labels', 'report']);
    expect(backend.escrow.size).toBe(2);
    expect(backend.lettersPrinted).toEqual([]);
  });

  it('asks the backend for passes with the options chosen', async () => {
    const { backend, paper } = setup();
    const tap = vi.spyOn(backend, 'tapSave');
    await paper.startSave('tap', ['kim@contoso.com']);
    paper.save!.lifetimeMinutes = 60;
    paper.save!.replace = true;
    await paper.submit();
    expect(tap).toHaveBeenCalledWith(
      { userIds: ['kim@contoso.com'], lifetimeMinutes: 60, oneTime: true, replace: true },
      `${FAKE_FOLDER}/tap-letters-20261129-1442.pdf`,
    );
    expect(paper.save?.stage).toBe('saved');
  });

  it('names files by kind and minute', () => {
    const at = new Date(2026, 0, 5, 9, 7).getTime();
    expect(defaultName('labels', 'csv', at)).toBe('key-labels-20260105-0907.pdf');
    expect(defaultName('report', 'csv', at)).toBe('report-20260105-0907.csv');
  });
});
