/** Mounts the whole window in happy-dom against a fake backend, for component tests. */
import { flushSync, mount, unmount } from 'svelte';
import { vi } from 'vitest';
import App from '../App.svelte';
import { Desk } from '../lib/desk.svelte';
import { FakeBackend } from '../platform/fake';

let app: ReturnType<typeof mount> | null = null;

export async function render(
  backend = new FakeBackend(),
  before?: (desk: Desk) => void,
): Promise<Desk> {
  const desk = new Desk(backend);
  before?.(desk);
  app = mount(App, { target: document.body, props: { desk } });
  await desk.start();
  flushSync();
  return desk;
}

export function cleanup(): void {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = '';
}

export const $ = <T extends Element = HTMLElement>(selector: string): T | null =>
  document.querySelector<T>(selector);
export const $$ = (selector: string) => [...document.querySelectorAll<HTMLElement>(selector)];
export const waitFor = (check: () => void) => vi.waitFor(check, { timeout: 2000, interval: 5 });

export function click(selector: string): void {
  const el = $<HTMLElement>(selector);
  if (!el) throw new Error(`no ${selector}`);
  el.click();
  flushSync();
}

export function key(target: Element, keyName: string): void {
  target.dispatchEvent(new KeyboardEvent('keydown', { key: keyName, bubbles: true }));
  flushSync();
}
