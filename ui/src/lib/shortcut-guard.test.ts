// Regression: "/" checked only the confirm question, so with the inventory, history, a save,
// the phone screen or the shortcuts sheet open it pulled the focus into the queue's search
// behind the dialog. Every global shortcut now asks `shortcutBlocked` (one check).
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { $, cleanup, click, render } from '../testing/render';
import type { Desk } from './desk.svelte';

afterEach(cleanup);

function press(keyName: string, target: EventTarget = document.body): void {
  target.dispatchEvent(
    new KeyboardEvent('keydown', { key: keyName, bubbles: true, cancelable: true }),
  );
  flushSync();
}

const DIALOGS: [string, (desk: Desk) => void | Promise<void>, string][] = [
  ['inventory', () => click('[data-testid="open-inventory"]'), 'inventory'],
  ['history', () => click('[data-testid="open-history"]'), 'history'],
  ['shortcuts sheet', () => press('?'), 'shortcuts'],
  [
    'save',
    async (desk) => {
      await desk.paper.startSave('report', [], 'csv');
      flushSync();
    },
    'save-dialog',
  ],
  [
    'phone',
    (desk) => {
      desk.phone.show([desk.queue.selected!]);
      flushSync();
    },
    'phone-dialog',
  ],
  [
    'attention',
    (desk) => {
      desk.attention.open = true;
      flushSync();
    },
    'attention',
  ],
  [
    'letters',
    (desk) => {
      desk.lettersOpen = true;
      flushSync();
    },
    'letters',
  ],
];

describe('global shortcuts behind an open dialog', () => {
  for (const [name, open, testid] of DIALOGS) {
    it(`do nothing while the ${name} dialog is open`, async () => {
      const desk = await render();
      await open(desk);
      expect($('[aria-modal="true"]')?.dataset.testid).toBe(testid);
      const selected = desk.queue.selectedId;
      for (const target of [document.body, $('[aria-modal="true"]')!]) {
        press('/', target);
        expect(document.activeElement?.getAttribute('data-testid')).not.toBe('queue-search');
        press('j', target);
        press('k', target);
        expect(desk.queue.selectedId).toBe(selected);
        if (testid !== 'shortcuts') {
          press('?', target);
          expect($('[data-testid="shortcuts"]')).toBeNull();
        }
      }
      press('Enter');
      expect(desk.job.phase).not.toBe('running');
    });
  }

  it('act again once the dialog is closed', async () => {
    const desk = await render();
    click('[data-testid="open-inventory"]');
    press('Escape', $('[data-testid="inventory"]')!);
    expect($('[aria-modal="true"]')).toBeNull();
    press('/');
    expect(document.activeElement?.getAttribute('data-testid')).toBe('queue-search');
    void desk;
  });
});
