import { describe, expect, it } from 'vitest';
import type { KeyView } from '../bindings/KeyView';
import { Keys } from './keys.svelte';

const key = (id: string, awaitingTouch = false): KeyView => ({
  id,
  model: 'YubiKey 5 NFC',
  modelFromMetadata: true,
  icon: null,
  certification: null,
  serial: '123',
  aaguid: 'fa2b99dc-9e39-4257-8f92-4a30d23c4118',
  simulated: true,
  awaitingTouch,
});

describe('Keys', () => {
  it('follows added, changed and removed events', () => {
    const keys = new Keys();
    keys.apply({ event: 'added', data: key('k1') });
    keys.apply({ event: 'added', data: key('k2') });
    expect(keys.list.map((k) => k.id)).toEqual(['k1', 'k2']);

    keys.apply({ event: 'changed', data: key('k2', true) });
    expect(keys.awaitingTouch).toBe(true);
    expect(keys.list[1]?.awaitingTouch).toBe(true);

    keys.apply({ event: 'removed', data: { id: 'k2' } });
    expect(keys.list.map((k) => k.id)).toEqual(['k1']);
    expect(keys.awaitingTouch).toBe(false);
  });

  it('treats a repeated added as an update, not a duplicate', () => {
    const keys = new Keys();
    keys.apply({ event: 'added', data: key('k1') });
    keys.apply({ event: 'added', data: key('k1', true) });
    expect(keys.list).toHaveLength(1);
    expect(keys.list[0]?.awaitingTouch).toBe(true);
  });

  it('puts a key a batch refused in the drawer of pulled keys, once, until it is back', () => {
    const keys = new Keys();
    keys.apply({ event: 'added', data: key('k1') });
    keys.apply({ event: 'removed', data: { id: 'k1' } });
    keys.apply({ event: 'drawer', data: key('k1') });
    keys.apply({ event: 'drawer', data: key('k1') });
    expect(keys.list).toEqual([]);
    expect(keys.pulled.map((k) => k.id)).toEqual(['k1']);
    keys.apply({ event: 'added', data: key('k1') });
    expect(keys.pulled).toEqual([]);
  });

  it('notes the end of the initial enumeration', () => {
    const keys = new Keys();
    expect(keys.enumerated).toBe(false);
    keys.apply({ event: 'enumerationComplete' });
    expect(keys.enumerated).toBe(true);
  });
});
