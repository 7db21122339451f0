/**
 * The key inventory window's state: the entries, the search (serial, user, model, date —
 * every word must appear), the state filter, and the last lost/returned outcome (with the
 * users a re-issue is offered to). No DOM; the backend comes in as an argument.
 */
import type { InventoryItem } from '../bindings/InventoryItem';
import type { IpcError } from '../bindings/IpcError';
import type { KeyState } from '../bindings/KeyState';
import type { Backend } from '../platform/backend';
import { toIpcError } from './errors';
import { iso, when } from './messages';

/** The text a search looks in: serial, UPN, user id, model, operator, both date forms. */
function haystack(e: InventoryItem): string {
  return [e.serial, e.upn, e.userId, e.model, e.operator, iso(e.at), when(e.at), e.state]
    .join('\n')
    .toLowerCase();
}

export interface TakeBackOutcome {
  kind: 'lost' | 'returned';
  items: InventoryItem[];
}

export class Inventory {
  items = $state.raw<InventoryItem[]>([]);
  loading = $state(false);
  error = $state<IpcError | null>(null);
  search = $state('');
  state = $state<KeyState | 'all'>('all');
  outcome = $state<TakeBackOutcome | null>(null);

  readonly visible = $derived(filterInventory(this.items, this.search, this.state));

  constructor(private readonly backend: Backend) {}

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.items = await this.backend.inventoryList();
      this.error = null;
    } catch (e) {
      this.error = toIpcError(e);
    } finally {
      this.loading = false;
    }
  }

  /** Report lost (serial, user id or UPN) or returned (serial); reloads the list. */
  async takeBack(kind: 'lost' | 'returned', query: string): Promise<boolean> {
    this.error = null;
    try {
      const items =
        kind === 'lost'
          ? await this.backend.inventoryLost(query)
          : await this.backend.inventoryReturned(query);
      this.outcome = { kind, items };
    } catch (e) {
      this.error = toIpcError(e);
      return false;
    }
    await this.load();
    return true;
  }
}

export function filterInventory(
  items: readonly InventoryItem[],
  search: string,
  state: KeyState | 'all',
): InventoryItem[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  return items.filter(
    (e) =>
      (state === 'all' || e.state === state) &&
      (words.length === 0 || words.every((w) => haystack(e).includes(w))),
  );
}
