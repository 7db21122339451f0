import { afterEach, describe, expect, it, vi } from 'vitest';
import { pickLocale } from './locale';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe('pickLocale', () => {
  it('keeps a language tag the OS reports', () => {
    expect(pickLocale(['de-DE', 'en-US'])).toBe('de-DE');
  });

  it('reads a POSIX locale as its language tag', () => {
    expect(pickLocale(['fr_CA.UTF-8'])).toBe('fr-CA');
    expect(pickLocale(['de_DE.UTF-8@euro'])).toBe('de-DE');
  });

  it('skips what names no language and falls back to the runtime default', () => {
    expect(pickLocale(['C', 'POSIX', 'C.UTF-8', 'not a tag!', ''])).toBeUndefined();
    expect(pickLocale(['C', 'nl-NL'])).toBe('nl-NL');
  });
});

// Regression: WebKitGTK under LANG=C.UTF-8 reports navigator.language "C"; the message
// catalogue built `new Intl.NumberFormat("C")` at load, which threw, and the real app's
// window stayed blank.
describe('the message catalogue under LANG=C', () => {
  it('loads and formats numbers and dates', async () => {
    vi.stubGlobal('navigator', { language: 'C', languages: ['C'] });
    const { num, when } = await import('./messages');
    expect(num(10_000)).toMatch(/^10.?000$/);
    expect(when(0)).toMatch(/1970|1969/);
  });
});
