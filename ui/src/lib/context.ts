/** Hands the `Desk` to components through Svelte context, so tests can pass a fake. */
import { getContext, setContext } from 'svelte';
import type { Desk } from './desk.svelte';

const KEY = Symbol('keydesk.desk');

export function provideDesk(desk: Desk): void {
  setContext(KEY, desk);
}

export function useDesk(): Desk {
  const desk = getContext<Desk | undefined>(KEY);
  if (!desk) throw new Error('useDesk() called outside <App>');
  return desk;
}
