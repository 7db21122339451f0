/**
 * The group pick: search the tenant's groups by display name and choose the queue's group.
 * Names are not unique in Entra, so same-named results are marked and shown with their id
 * and size; the backend remembers the choice (id and name) in the app's settings. Or the
 * queue is a users file: the operator types its path, the backend looks each UPN up and
 * names every line it left out, which stay on screen until the operator closes the picker.
 */
import type { AppInfo } from '../bindings/AppInfo';
import type { GroupChoice } from '../bindings/GroupChoice';
import type { IpcError } from '../bindings/IpcError';
import type { UserListLoaded } from '../bindings/UserListLoaded';
import type { Backend } from '../platform/backend';
import { toIpcError } from './errors';

export class GroupPick {
  open = $state(false);
  text = $state('');
  results = $state<GroupChoice[]>([]);
  /** A search ran (an empty result then says "no group"). */
  searched = $state(false);
  busy = $state(false);
  error = $state<IpcError | null>(null);
  /** The users file's path, as typed. */
  filePath = $state('');
  /** The last users file loaded, with the lines it left out. */
  loaded = $state<UserListLoaded | null>(null);

  /** Display names that more than one result carries, each once. */
  readonly ambiguous = $derived(
    this.results
      .map((g) => g.displayName)
      .filter((name, i, all) => all.indexOf(name) !== i && all.indexOf(name, i + 1) === -1),
  );

  constructor(
    private readonly backend: Backend,
    /** Called with the header after a choice: the desk shows it and loads the queue. */
    private readonly onChosen: (info: AppInfo) => Promise<void>,
  ) {}

  show(): void {
    this.open = true;
    this.error = null;
    this.loaded = null;
  }

  close(): void {
    this.open = false;
  }

  async search(): Promise<void> {
    const text = this.text.trim();
    if (text === '' || this.busy) return;
    this.busy = true;
    this.error = null;
    try {
      // By name, so same-named groups sit side by side (Graph's order within a name).
      const found = await this.backend.groupSearch(text);
      this.results = found.sort((a, b) => a.displayName.localeCompare(b.displayName));
      this.searched = true;
    } catch (e) {
      this.error = toIpcError(e);
    } finally {
      this.busy = false;
    }
  }

  /**
   * Loads the users file at `filePath` as the queue. The picker closes when every line was
   * taken; else it stays open on the lines left out.
   */
  async loadFile(): Promise<void> {
    const path = this.filePath.trim();
    if (path === '' || this.busy) return;
    this.busy = true;
    this.error = null;
    this.loaded = null;
    try {
      const loaded = await this.backend.usersFileLoad(path);
      this.loaded = loaded;
      if (loaded.problems.length === 0) this.open = false;
      await this.onChosen(loaded.info);
    } catch (e) {
      this.error = toIpcError(e);
    } finally {
      this.busy = false;
    }
  }

  async choose(group: GroupChoice): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    try {
      const info = await this.backend.groupChoose(group);
      this.open = false;
      await this.onChosen(info);
    } catch (e) {
      this.error = toIpcError(e);
    } finally {
      this.busy = false;
    }
  }
}

/** "5 users", "1 user", or "size unknown" when Graph did not count. */
export function memberCountLabel(n: number | null): string {
  if (n === null) return 'size unknown';
  return n === 1 ? '1 user' : `${n} users`;
}
