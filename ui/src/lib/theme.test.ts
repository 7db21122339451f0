import { afterEach, describe, expect, it } from 'vitest';
import { Theme } from './theme.svelte';

afterEach(() => {
  localStorage.clear();
  delete document.documentElement.dataset.theme;
});

describe('Theme', () => {
  it('follows the OS by default', () => {
    expect(new Theme().choice).toBe('system');
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });

  it('applies and remembers a manual choice', () => {
    new Theme().set('dark');
    expect(document.documentElement.dataset.theme).toBe('dark');
    delete document.documentElement.dataset.theme;
    const again = new Theme();
    expect(again.choice).toBe('dark');
    expect(document.documentElement.dataset.theme).toBe('dark');
    again.set('system');
    expect(document.documentElement.dataset.theme).toBeUndefined();
    expect(new Theme().choice).toBe('system');
  });
});
