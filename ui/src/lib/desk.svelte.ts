/**
 * The provisioning desk: ties the queue, the current job and the key list to a `Backend`.
 * Components call its actions; it never touches the DOM.
 */
import { Batch } from './batch.svelte';
import { GroupPick } from './groups.svelte';
import type { AppInfo } from '../bindings/AppInfo';
import type { ErrorKind } from '../bindings/ErrorKind';
import type { DemoModel } from '../bindings/DemoModel';
import type { IpcError } from '../bindings/IpcError';
import type { PinChoice } from '../bindings/PinChoice';
import type { PlugKey } from '../bindings/PlugKey';
import type { UserStatus } from '../bindings/UserStatus';
import type { Backend } from '../platform/backend';
import { Attention } from './attention.svelte';
import type { Confirm } from './confirm';
import { toIpcError } from './errors';
import { Job } from './job.svelte';
import { Keys } from './keys.svelte';
import { LetterPrint } from './letter.svelte';
import { Letters } from './letters.svelte';
import { IdleLock } from './idle.svelte';
import { Pace } from './pace.svelte';
import { Passkeys } from './passkeys.svelte';
import { Paper } from './paper.svelte';
import { PhoneHandOut } from './phone.svelte';
import { Queue } from './queue.svelte';
import { Session } from './session.svelte';

export class Desk {
  info = $state<AppInfo | null>(null);
  /** The backend did not start (e.g. another KeyDesk holds the data folder): nothing works. */
  startError = $state<IpcError | null>(null);
  /** The last demo-panel action failed. */
  demoError = $state<IpcError | null>(null);
  /** The models the key panel can plug a simulated key of. */
  demoModels = $state<DemoModel[]>([]);
  /** The last action on a user (skip, reprint, lost key) failed. */
  actionError = $state<IpcError | null>(null);
  /** A question on screen before something that cannot be taken back. */
  confirm = $state<Confirm | null>(null);
  /** The next action to take the keyboard focus when it appears (after *Next user*). */
  focusRequest = $state<'provision' | null>(null);
  /** The *Letters to print* list is open. */
  lettersOpen = $state(false);
  readonly queue = new Queue();
  readonly job = new Job();
  readonly keys = new Keys();
  readonly letter = new LetterPrint();
  readonly letters = new Letters();
  readonly attention = new Attention();
  /** The selected user's existing passkeys and the keep-or-delete choice for their job. */
  readonly passkeys: Passkeys;
  /** Registrations of this session, for the dashboard strip. */
  readonly pace = new Pace(Date.now());
  readonly paper: Paper;
  /** The phone hand-out screen. */
  readonly phone: PhoneHandOut;
  readonly idle: IdleLock;
  readonly session: Session;
  readonly batch: Batch;
  readonly groups: GroupPick;

  /** A job is running, or a PIN is on screen that has not been dealt with yet. */
  readonly occupied = $derived(this.job.phase === 'running' || this.job.phase === 'registered');

  constructor(readonly backend: Backend) {
    this.idle = new IdleLock(() => this.session.settings.saved?.idleLockMinutes ?? 10, backend);
    this.passkeys = new Passkeys(backend);
    this.paper = new Paper(backend, (userIds) => this.afterWipe(userIds));
    this.phone = new PhoneHandOut(backend);
    this.batch = new Batch(
      backend,
      async () => {
        await this.loadQueue();
        await this.loadLetters();
        // A one-off job that failed earlier for a user the batch has since registered is
        // history: the panel shows the user as registered (with its letter), not that error.
        const user = this.queue.users.find((u) => u.id === this.job.userId);
        if (this.job.phase === 'failed' && user?.status === 'registered') this.job.clear();
      },
      (keyId, displayName, outcome) => this.batchKey(keyId, displayName, outcome),
      (userId, key, at) => {
        this.queue.setStatus(userId, 'registered', key);
        this.pace.record(at);
      },
    );
    this.groups = new GroupPick(backend, async (info) => {
      this.info = info;
      await this.loadQueue();
    });
    this.session = new Session(
      backend,
      (info) => (this.info = info),
      async () => {
        this.session.view = 'desk';
        await this.loadQueue();
        await this.loadLetters();
      },
    );
  }

  async start(): Promise<void> {
    void this.backend
      .watchKeys((event) => {
        this.keys.apply(event);
        this.noteJobKey();
      })
      .catch((e: unknown) => {
        this.keys.error = toIpcError(e);
      });
    try {
      this.info = await this.backend.appInfo();
    } catch (e) {
      // Only a backend that did not start rejects here; the window shows why instead.
      this.startError = toIpcError(e);
      return;
    }
    await this.idle.resume();
    await this.session.loadSettings();
    if (this.info.demo || this.info.simulatedKeys) {
      await this.demo(async () => (this.demoModels = await this.backend.demoModels()));
    }
    if (!this.info.signedIn) {
      await this.session.openConnection();
      return;
    }
    await this.loadQueue();
    await this.loadLetters();
    if (this.info.store?.startsWith('PostgreSQL')) {
      this.deskWatch = setInterval(() => void this.pollDesks(), this.deskPollMs);
    }
  }

  /** How often the queue asks which users other desks work (a shared store only). */
  deskPollMs = 3000;
  private deskWatch: ReturnType<typeof setInterval> | null = null;

  /** Marks the rows other desks on the shared store are working now ("at desk-2"). */
  async pollDesks(): Promise<void> {
    try {
      const claims = await this.backend.deskClaims();
      this.queue.setDesks(claims);
    } catch {
      // The next look tries again; provisioning says why if the store is gone.
    }
  }

  /** Stops looking at the other desks (the window closes; tests). */
  dispose(): void {
    if (this.deskWatch !== null) clearInterval(this.deskWatch);
    this.deskWatch = null;
  }

  async loadLetters(): Promise<void> {
    try {
      this.letters.list = await this.backend.lettersPending();
      this.letters.error = null;
    } catch (e) {
      this.letters.error = toIpcError(e);
    }
  }

  async loadQueue(): Promise<void> {
    this.queue.loading = true;
    try {
      this.queue.setUsers(await this.backend.loadQueue());
    } catch (e) {
      this.queue.error = toIpcError(e);
    } finally {
      this.queue.loading = false;
    }
  }

  /**
   * Whether this user can be provisioned now (pending or failed, still a member of the
   * group, and the desk is free).
   */
  canProvision(userId: string): boolean {
    const user = this.queue.users.find((u) => u.id === userId);
    if (!user || this.occupied || user.leftGroup) return false;
    return user.status === 'pending' || user.status === 'failed';
  }

  /**
   * Provision the user. `keyWithPin` is the operator's answer, for this job only, to a key
   * that already has a PIN (the job before failed with `keyHasPin`).
   */
  async provision(userId: string, keyWithPin: PinChoice | null = null): Promise<void> {
    if (!this.canProvision(userId)) return;
    const before = this.queue.users.find((u) => u.id === userId);
    const previous = before ? { status: before.status, detail: before.detail } : null;
    this.actionError = null;
    this.letter.clear();
    this.job.start(userId);
    this.queue.setStatus(userId, 'inProgress', null);
    try {
      const deskDeletes = this.session.settings.saved?.deleteExistingPasskeys ?? false;
      const existing = this.passkeys.choiceFor(userId, deskDeletes);
      await this.backend.provision(userId, keyWithPin, existing, (event) => {
        this.job.apply(event);
        if (event.event === 'keyTaken' && this.job.userId === userId) {
          this.job.keyLabel = this.keys.label(event.data.keyId);
          this.keys.serving[event.data.keyId] = before?.displayName ?? userId;
        }
      });
      this.job.finish();
    } catch (e) {
      this.job.fail(toIpcError(e));
    }
    if (this.job.userId !== userId) return;
    if (this.job.phase === 'registered' && this.job.registered) {
      const r = this.job.registered;
      this.letter.show(r, false);
      this.assignKey(r.displayName, r.keySerial);
      this.queue.setStatus(
        userId,
        'registered',
        r.keySerial ? `${r.keyModel} · ${r.keySerial}` : r.keyModel,
      );
      this.pace.record(Date.now());
    } else if (this.job.error) {
      const error = this.job.error;
      const keyId = this.job.keyId;
      if (keyId && !this.keys.used[keyId]) delete this.keys.serving[keyId];
      if ((error.kind === 'busy' || error.kind === 'atAnotherDesk') && previous) {
        this.queue.setStatus(userId, previous.status, previous.detail);
      } else {
        this.queue.setStatus(userId, statusAfter(error.kind), error.message);
      }
    }
    await this.loadLetters();
  }

  /** *Change PIN* on a key that has one: the job runs again from the typed current PIN. */
  changePin(userId: string, currentPin: string): Promise<void> {
    return this.provision(userId, { choice: 'change', currentPin });
  }

  /**
   * *Reset key*: ask first, naming what is lost; then the job runs again, resetting the key
   * (after a re-plug: a key accepts a reset only just after it is plugged in).
   */
  requestReset(userId: string): void {
    const key = this.job.userId === userId ? this.job.keyLabel : null;
    this.confirm = {
      title: `Reset ${key ?? 'this key'}?`,
      body: 'Resetting wipes every passkey and credential on this key, for every site and account, not only this user’s, and its PIN. It cannot be undone. KeyDesk then asks you to pull the key and plug it back in, and to touch it within 10 seconds.',
      confirmLabel: 'Reset key',
      cancelLabel: 'Keep the key as it is',
      danger: true,
      run: () => this.provision(userId, { choice: 'reset' }),
    };
  }

  /** Ask, naming the passkey and the user, then delete one of the user's passkeys. */
  requestPasskeyDelete(userId: string, methodId: string): void {
    const user = this.queue.users.find((u) => u.id === userId);
    const passkey = this.passkeys.list.find((p) => p.methodId === methodId);
    if (!user || !passkey || this.passkeys.userId !== userId) return;
    this.confirm = this.passkeys.confirmDelete(user, passkey);
  }

  /** Stop the running job, where the step allows it (the UI offers it only there). */
  async cancel(): Promise<void> {
    if (this.job.phase !== 'running') return;
    try {
      await this.backend.cancelProvision();
    } catch (e) {
      this.actionError = toIpcError(e);
    }
  }

  /**
   * *Next user*: when the PIN on screen has no confirmed letter, ask first (it stays sealed
   * in escrow and listed in *Letters to print*); otherwise go on.
   */
  requestNext(): void {
    const letter = this.letter.letter;
    if (!this.letter.unconfirmed || !letter) return this.next();
    this.confirm = {
      title: 'Leave without a confirmed letter?',
      body: `Nobody has confirmed the PIN letter for ${letter.displayName}. The PIN stays sealed on this station and is listed under Letters to print, where it can be printed later.`,
      confirmLabel: 'Leave it for later',
      cancelLabel: 'Stay and print',
      run: () => this.next(),
    };
  }

  /** Drop the PIN from memory and move on to the next pending user. */
  next(): void {
    const from = this.job.userId ?? this.queue.selectedId;
    this.job.clear();
    this.letter.clear();
    const next = this.queue.nextPending(from);
    this.focusRequest = 'provision';
    if (next) {
      if (this.queue.filter !== 'all' && this.queue.filter !== 'pending') this.queue.filter = 'all';
      this.queue.select(next.id);
    }
  }

  /** Leave a failed result (the queue keeps the failure). */
  dismissFailure(): void {
    if (this.job.phase === 'failed') this.job.clear();
  }

  /** *Skip*: the user is marked Skipped (not Failed) and the desk moves on. */
  async skip(userId: string): Promise<void> {
    this.actionError = null;
    try {
      await this.backend.skipUser(userId);
    } catch (e) {
      this.actionError = toIpcError(e);
      return;
    }
    this.queue.setStatus(userId, 'skipped', 'skipped by the operator');
    if (this.job.userId === userId) this.job.clear();
    this.next();
  }

  /** A new key for a user whose key was revoked: back to pending, ready to provision. */
  async reissue(userId: string): Promise<boolean> {
    this.actionError = null;
    try {
      await this.backend.retryUser(userId);
    } catch (e) {
      this.actionError = toIpcError(e);
      return false;
    }
    this.queue.setStatus(userId, 'pending', null);
    return true;
  }

  /**
   * Show the letter on screen as the PDF the backend renders; the viewer's printer button
   * opens the OS print dialog, whose outcome the operator confirms.
   */
  print(): void {
    const letter = this.letter.letter;
    if (!letter) return;
    this.letter.opened();
    void this.paper.view([letter.userId], `PIN letter for ${letter.displayName}`);
  }

  /** Save the letter on screen as a PDF file; *Saved* then wipes the PIN. */
  saveLetter(): void {
    const letter = this.letter.letter;
    if (letter) void this.paper.startSave('letters', [letter.userId]);
  }

  /** PINs were wiped from the viewer or a save: the lists and the letter on screen follow. */
  private async afterWipe(userIds: string[]): Promise<void> {
    const letter = this.letter.letter;
    if (letter && userIds.includes(letter.userId)) this.letter.stage = 'confirmed';
    await this.loadLetters();
  }

  /** The operator confirms the printout: the backend wipes the escrowed PIN. */
  async confirmPrinted(): Promise<void> {
    const letter = this.letter.letter;
    if (!letter) return;
    this.letter.error = null;
    try {
      await this.backend.letterPrinted(letter.userId);
      this.letter.stage = 'confirmed';
    } catch (e) {
      this.letter.error = toIpcError(e);
    }
    await this.loadLetters();
  }

  /** Reopen a sealed PIN (its letter not confirmed yet) to print it again. */
  async reprint(userId: string): Promise<void> {
    if (this.job.phase === 'running') return;
    this.actionError = null;
    try {
      const letter = await this.backend.reprintLetter(userId);
      if (this.job.phase === 'registered' && this.job.userId !== userId) this.job.clear();
      this.letter.show(letter, true);
      this.queue.select(userId);
      this.lettersOpen = false;
    } catch (e) {
      this.actionError = toIpcError(e);
    }
  }

  /** Ask, then report the user's key lost (`reissue` false) or replace it (true). */
  requestRevoke(userId: string, reissue: boolean): void {
    const user = this.queue.users.find((u) => u.id === userId);
    if (!user) return;
    this.confirm = reissue
      ? {
          title: `Replace ${user.displayName}’s key?`,
          body: 'The passkey on the current key is deleted in Microsoft Entra, so that key stops working. Then you provision a new key for this user.',
          confirmLabel: 'Delete passkey and provision a new key',
          danger: true,
          run: () => this.revoke(userId, true),
        }
      : {
          title: `Report ${user.displayName}’s key lost?`,
          body: 'The passkey on that key is deleted in Microsoft Entra, so whoever holds the key can no longer sign in with it. The user is marked Key revoked until you provision a new key.',
          confirmLabel: 'Delete passkey',
          danger: true,
          run: () => this.revoke(userId, false),
        };
  }

  private async revoke(userId: string, reissue: boolean): Promise<void> {
    this.actionError = null;
    try {
      await this.backend.revokeKey(userId, reissue);
    } catch (e) {
      this.actionError = toIpcError(e);
      return;
    }
    if (this.letter.letter?.userId === userId) this.letter.clear();
    await this.loadQueue();
    await this.loadLetters();
    if (reissue) await this.provision(userId);
  }

  /** Open *Jobs that need attention* with the jobs and their candidate passkeys. */
  async openAttention(): Promise<void> {
    const a = this.attention;
    a.open = true;
    a.loading = true;
    a.error = null;
    try {
      a.list = await this.backend.attentionList();
    } catch (e) {
      a.error = toIpcError(e);
    } finally {
      a.loading = false;
    }
  }

  /** Record the operator's choice for one job; the queue shows the new status. */
  async resolveAttention(userId: string): Promise<void> {
    const a = this.attention;
    if (!(userId in a.choice)) return;
    const methodId = a.choice[userId] ?? null;
    a.error = null;
    try {
      const status = await this.backend.attentionResolve(userId, methodId);
      this.queue.setStatus(userId, status, methodId ? 'passkey confirmed by the operator' : null);
      a.list = a.list.filter((j) => j.userId !== userId);
      delete a.choice[userId];
    } catch (e) {
      a.error = toIpcError(e);
    }
  }

  /** Answer the question on screen. */
  async answer(goAhead: boolean): Promise<void> {
    const confirm = this.confirm;
    this.confirm = null;
    if (goAhead && confirm) await confirm.run();
  }

  /**
   * The key waiting for a touch during a running job is that job's key; the job's key,
   * plugged back in (a reset's re-plug), serves the job's user again.
   */
  private noteJobKey(): void {
    if (this.job.phase !== 'running') return;
    const user = this.queue.users.find((u) => u.id === this.job.userId);
    const held = this.job.keyId;
    if (held) {
      const back = this.keys.list.some((k) => k.id === held);
      if (back && user && !this.keys.serving[held]) this.keys.serving[held] = user.displayName;
      return;
    }
    const key = this.keys.list.find((k) => k.awaitingTouch);
    if (key && user) {
      this.job.keyId = key.id;
      this.keys.serving[key.id] = user.displayName;
    }
  }

  /** After a registration: the job's key (or the key with that serial) is taken. */
  private assignKey(displayName: string, serial: string | null): void {
    const id = this.job.keyId ?? this.keys.list.find((k) => serial && k.serial === serial)?.id;
    if (!id) return;
    this.keys.serving[id] = displayName;
    this.keys.used[id] = true;
    // The key has this user's new PIN now, not the one the panel gave it.
    delete this.keys.pins[id];
  }

  async demo(action: () => Promise<unknown>): Promise<void> {
    this.demoError = null;
    try {
      await action();
    } catch (e) {
      this.demoError = toIpcError(e);
    }
  }

  /** The key panel's *Plug in*: blank, or with a PIN the card then shows, of a model. */
  plugKey(key: PlugKey = { withPin: false, aaguid: null }): Promise<void> {
    return this.demo(async () => {
      const plugged = await this.backend.demoPlugKey(key);
      if (plugged.pin !== null) this.keys.pins[plugged.key.id] = plugged.pin;
    });
  }

  /** The key panel's *Pull*: the key goes to the drawer, to be plugged back in. */
  pullKey(keyId: string): Promise<void> {
    const key = this.keys.list.find((k) => k.id === keyId);
    return this.demo(async () => {
      await this.backend.demoPullKey(keyId);
      if (key && !this.keys.pulled.some((k) => k.id === keyId)) this.keys.pulled.push(key);
    });
  }

  /** The key panel's *Plug back in*: the same key, with its state. */
  replugKey(keyId: string): Promise<void> {
    return this.demo(async () => {
      await this.backend.demoReplugKey(keyId);
      this.keys.pulled = this.keys.pulled.filter((k) => k.id !== keyId);
    });
  }

  /** A batch job took a key, or ended: its card names the user while the job holds it. */
  private batchKey(
    keyId: string,
    displayName: string,
    outcome: 'taken' | 'registered' | 'failed',
  ): void {
    if (outcome === 'failed') {
      if (!this.keys.used[keyId]) delete this.keys.serving[keyId];
      return;
    }
    this.keys.serving[keyId] = displayName;
    if (outcome === 'registered') {
      this.keys.used[keyId] = true;
      delete this.keys.pins[keyId];
    }
  }

  /** Demo touch; a touch on a key nothing waits for only says so (it does nothing). */
  async touchKey(keyId: string): Promise<void> {
    const key = this.keys.list.find((k) => k.id === keyId);
    if (key && !key.awaitingTouch) {
      this.keys.notice[keyId] = this.keys.used[keyId]
        ? `Touch ignored: this key is assigned to ${this.keys.serving[keyId] ?? 'another user'}.`
        : 'Touch ignored: this key is not in use right now.';
      return;
    }
    delete this.keys.notice[keyId];
    return this.demo(() => this.backend.demoTouchKey(keyId));
  }
}

/** The queue status a failed provisioning leaves a user in: skipped when the user (or the
 * tenant's policy) was refused, revoked when their key was reported lost. A key model the
 * policy refuses fails the user (the journal says failed): another key may do. */
function statusAfter(kind: ErrorKind): UserStatus {
  switch (kind) {
    case 'revoked':
      return 'revoked';
    case 'notEligible':
    case 'alreadyRegistered':
    case 'provisioningDisabled':
    case 'nothingToResolve':
    case 'unknownMethod':
      return 'skipped';
    case 'needsAttention':
      return 'needsAttention';
    default:
      return 'failed';
  }
}
