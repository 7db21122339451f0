/**
 * The selected user's existing passkeys: read from the backend when the user panel shows
 * the user (on demand, never for the whole queue), deleted one at a time after a
 * confirmation that names the passkey and the user, and the operator's keep-or-delete
 * choice for that user's next job (none made: the desk's setting).
 */
import type { ExistingChoice } from '../bindings/ExistingChoice';
import type { ExistingPasskey } from '../bindings/ExistingPasskey';
import type { IpcError } from '../bindings/IpcError';
import type { Backend } from '../platform/backend';
import type { Confirm } from './confirm';
import { toIpcError } from './errors';
import { msg } from './messages';

export class Passkeys {
  /** Whose passkeys these are. */
  userId = $state<string | null>(null);
  list = $state<ExistingPasskey[]>([]);
  loading = $state(false);
  /** The last read or deletion failed. */
  error = $state<IpcError | null>(null);
  /** The name of the passkey just deleted, for a status line. */
  deleted = $state<string | null>(null);
  /** The operator's choice for this user's next job; null: the desk's setting. */
  choice = $state<ExistingChoice | null>(null);
  /** Only the newest read may land (the operator moves through the queue fast). */
  private reads = 0;

  constructor(private readonly backend: Backend) {}

  /** Reads `userId`'s passkeys; another user than before starts with no choice made. */
  async load(userId: string): Promise<void> {
    const read = ++this.reads;
    if (this.userId !== userId) {
      this.userId = userId;
      this.list = [];
      this.choice = null;
      this.deleted = null;
    }
    this.loading = true;
    this.error = null;
    try {
      const list = await this.backend.passkeysList(userId);
      if (read === this.reads) this.list = list;
    } catch (e) {
      if (read === this.reads) this.error = toIpcError(e);
    } finally {
      if (read === this.reads) this.loading = false;
    }
  }

  /**
   * What provisioning `userId` sends for the existing passkeys: the choice on screen (the
   * desk's setting until the operator changes it) when the user has some listed; null
   * otherwise, which leaves the desk's setting to the backend.
   */
  choiceFor(userId: string, deskDeletes: boolean): ExistingChoice | null {
    if (this.userId !== userId || this.list.length === 0) return null;
    return this.choice ?? (deskDeletes ? 'deleteAfterRegistration' : 'keep');
  }

  /** The question before deleting `passkey` of `user` (Cancel keeps it). */
  confirmDelete(user: { id: string; displayName: string }, passkey: ExistingPasskey): Confirm {
    const name = passkey.name || msg.passkeys.unnamed;
    return {
      title: msg.passkeys.confirmTitle(name, user.displayName),
      body: msg.passkeys.confirmBody(user.displayName, passkey.model),
      confirmLabel: msg.passkeys.confirmYes,
      cancelLabel: msg.passkeys.confirmNo,
      danger: true,
      run: () => this.delete(user.id, passkey),
    };
  }

  /** Deletes one passkey, then reads the list again (what is there now, either way). */
  async delete(userId: string, passkey: ExistingPasskey): Promise<void> {
    this.deleted = null;
    let failed: IpcError | null = null;
    try {
      await this.backend.passkeyDelete(userId, passkey.methodId);
    } catch (e) {
      failed = toIpcError(e);
    }
    await this.load(userId);
    if (failed) {
      this.error = failed;
    } else {
      this.deleted = passkey.name || msg.passkeys.unnamed;
    }
  }
}
