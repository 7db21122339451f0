import { describe, expect, it } from 'vitest';
import { TypeAhead } from './typeahead';

describe('TypeAhead', () => {
  it('builds a prefix from quick keys and starts again after a pause', () => {
    const t = new TypeAhead(800);
    expect(t.type('m', 0)).toBe('m');
    expect(t.type('e', 100)).toBe('me');
    expect(t.type('g', 200)).toBe('meg');
    expect(t.type('l', 2000)).toBe('l');
  });

  it('cycles on a repeated single letter', () => {
    const t = new TypeAhead(800);
    expect(t.type('a', 0)).toBe('a');
    expect(t.type('a', 100)).toBe('a');
  });
});
