/**
 * An in-memory stand-in for the KeyDesk backend: a small simulated tenant and simulated keys
 * with honest state. The UI runs against it in unit tests and in a plain browser
 * (`npm run dev`), so every screen can be exercised without Tauri, a tenant or hardware.
 *
 * It plays the same event sequence as the real `provision` command: the six steps, waiting
 * for a free key at `insertKey` and for a touch at `touchKey`, then `registered` with a fresh
 * random PIN, or `failed` when the key is pulled, the job is cancelled or a failure was
 * injected for the user. A registered PIN stays "sealed" (in memory) until its letter is
 * confirmed printed, like the real escrow, so reprints and *Letters to print* work.
 *
 * It is not the Rust simulator (`--demo`): no Graph, no CTAP, no attestation.
 */
import type { AppInfo } from '../bindings/AppInfo';
import type { AttentionJob } from '../bindings/AttentionJob';
import type { AuditCheck } from '../bindings/AuditCheck';
import type { BatchEvent } from '../bindings/BatchEvent';
import type { BatchSummary } from '../bindings/BatchSummary';
import type { CheckLine } from '../bindings/CheckLine';
import type { Connection } from '../bindings/Connection';
import type { ConnectionState } from '../bindings/ConnectionState';
import type { DeskClaim } from '../bindings/DeskClaim';
import type { DeskSettings } from '../bindings/DeskSettings';
import type { ExistingChoice } from '../bindings/ExistingChoice';
import type { ExistingPasskey } from '../bindings/ExistingPasskey';
import type { GroupChoice } from '../bindings/GroupChoice';
import type { NewSecret } from '../bindings/NewSecret';
import type { SignInEvent } from '../bindings/SignInEvent';
import type { InventoryItem } from '../bindings/InventoryItem';
import type { IpcError } from '../bindings/IpcError';
import type { KeyCount } from '../bindings/KeyCount';
import type { KeyEvent } from '../bindings/KeyEvent';
import type { KeyView } from '../bindings/KeyView';
import type { PendingLetter } from '../bindings/PendingLetter';
import type { DemoModel } from '../bindings/DemoModel';
import type { PinChoice } from '../bindings/PinChoice';
import type { PlugKey } from '../bindings/PlugKey';
import type { PluggedKey } from '../bindings/PluggedKey';
import type { ProvisionEvent } from '../bindings/ProvisionEvent';
import type { QueueUser } from '../bindings/QueueUser';
import type { Registered } from '../bindings/Registered';
import type { SavedFile } from '../bindings/SavedFile';
import type { Step } from '../bindings/Step';
import type { SummaryFormat } from '../bindings/SummaryFormat';
import type { UserListLoaded } from '../bindings/UserListLoaded';
import type { UserStatus } from '../bindings/UserStatus';
import type { Backend } from './backend';
import { FakeAudit } from './fake-audit';
import { readUserList } from './fake-files';
import { FakeInventory } from './fake-inventory';
import { FakeTenant } from './fake-tenant';
import type { YubicoImport } from '../bindings/YubicoImport';
import { FakeLock } from './fake-lock';
import { FakePaper } from './fake-paper';
import { FakePhones } from './fake-phone';
import { FakePasskeys } from './fake-passkeys';
import { MODELS, randomPin, SEED_USERS } from './fake-seed';

export { randomPin, SEED_USERS } from './fake-seed';

export interface FakeOptions {
  /** Pause before each automatic step, to look like real I/O. Default 0. */
  stepDelayMs?: number;
  /** Reported by `appInfo`; the demo commands refuse when false. Default true. */
  demo?: boolean;
  /** The group's users. Default: a small seeded group. */
  users?: QueueUser[];
  /** Make `provision` fail for these user ids (at the registering step). */
  failures?: Record<string, IpcError>;
  /** Number of `loadQueue` calls that reject before one succeeds. Default 0. */
  queueFailures?: number;
  /** What each registration warns of (e.g. an unreadable FIDO2 policy). Default none. */
  warnings?: string[];
  /** Start signed in (the connection screen is skipped). Default true. */
  signedIn?: boolean;
  /** The passkeys users already have, by user id. Default: two for Diego (u-03). */
  passkeys?: Record<string, ExistingPasskey[]>;
  /** Users files the operator may load, their text by path. */
  files?: Record<string, string>;
  /**
   * Start as `keydesk --auth device-code …` does: not signed in, a device-code sign-in
   * waiting for its code (`tenant.finishStart()` completes it). Implies `signedIn: false`.
   */
  startDeviceCode?: boolean;
  /** As `--store postgres://…`: the header's store; `deskHeld` says who other desks hold. */
  store?: string;
}

interface FakeKey extends KeyView {
  /** A passkey was registered on it in this session; it will not be used again. */
  used: boolean;
  /** The PIN it has, if it has one. */
  pin?: string;
  /** PIN tries left. */
  retries?: number;
}

function ipcError(kind: IpcError['kind'], message: string, remediation: string): IpcError {
  return { kind, message, remediation, requestId: null };
}

export class FakeBackend implements Backend {
  readonly users: QueueUser[];
  private readonly keys = new Map<string, FakeKey>();
  private readonly watchers = new Set<(event: KeyEvent) => void>();
  private wakers: Array<() => void> = [];
  private nextKey = 1;
  /** Keys pulled with the panel, to plug back in. */
  private readonly drawer = new Map<string, FakeKey>();
  private busy = false;
  private cancelled = false;
  private queueFailures: number;
  /** Users other desks on the shared store work now: user id → desk (tests set it). */
  readonly deskHeld = new Map<string, string>();
  /** The ids a loaded users file listed (the queue is those users), or null for the group. */
  private listed: string[] | null = null;
  /** PINs whose letter is not confirmed printed, by user id (the real backend seals them). */
  readonly escrow = new Map<string, Registered>();
  /** Saved files and the letters PDF. */
  readonly paper = new FakePaper(this.escrow);
  readonly paperFolder = () => this.paper.folder();
  readonly lettersPdf = (userIds: string[]) => this.paper.pdf(userIds);
  readonly lettersSave = (userIds: string[], path: string) =>
    this.paper.save('letters', userIds, path);
  readonly labelsSave = (userIds: string[], path: string) =>
    this.paper.save('labels', userIds, path);
  readonly tapSave = this.paper.tap.bind(this.paper);
  readonly reportSave = this.paper.report.bind(this.paper);
  /** Phones handed out; `phones.play()` is the technician's phone. */
  readonly phones: FakePhones;
  readonly phoneHandOut = (...a: Parameters<FakePhones['handOut']>) => this.phones.handOut(...a);
  readonly phoneCancel = () => this.phones.cancel();
  readonly demoPhone = (_userId: string) => this.phones.play('ios');
  /** The last batch's summary, as the backend keeps it for `batchSummarySave`. */
  lastBatch: BatchSummary | null = null;
  readonly batchSummarySave = (format: SummaryFormat, path: string): Promise<SavedFile> => {
    if (!this.lastBatch) {
      return Promise.reject(
        ipcError('invalidInput', 'No batch has run in this window yet.', 'Run a batch first.'),
      );
    }
    return this.paper.summary(format, path);
  };

  readonly tenant: FakeTenant;
  readonly inventory: FakeInventory;
  readonly audit = new FakeAudit();
  readonly passkeys: FakePasskeys;
  /** The idle lock's flag and station passphrase. */
  readonly lock = new FakeLock(
    () => this.options.demo ?? true,
    () => this.tenant.connection?.mode ?? null,
    () => this.tenant.info.operator,
  );
  readonly lockState = () => this.lock.lockState();
  readonly lockNow = () => this.lock.lockNow();
  readonly unlock = (passphrase: string | null) => this.lock.unlock(passphrase);
  readonly unlockSignIn = (onEvent: (event: SignInEvent) => void) =>
    this.lock.unlockSignIn(onEvent);
  readonly stationPassphraseSet = (passphrase: string, again: string) =>
    this.lock.stationPassphraseSet(passphrase, again);

  constructor(private readonly options: FakeOptions = {}) {
    this.users = structuredClone([...(options.users ?? SEED_USERS)]);
    this.queueFailures = options.queueFailures ?? 0;
    this.inventory = new FakeInventory(this.users);
    this.phones = new FakePhones(this.users);
    this.passkeys = new FakePasskeys(options.passkeys);
    for (const e of this.inventory.list().reverse()) {
      this.audit.append(e.operator, 'registered', e.userId, `${e.model} ${e.serial}`, e.at);
    }
    const signedIn = !options.startDeviceCode && (options.signedIn ?? true);
    this.tenant = new FakeTenant(options.demo ?? true, {
      demo: options.demo ?? true,
      simulatedKeys: options.demo ?? true,
      tenant: signedIn ? 'contoso.onmicrosoft.com' : 'not signed in',
      group: signedIn ? 'Passkey rollout — Finance' : '',
      signedIn,
      operator: signedIn ? 'admin@contoso.onmicrosoft.com' : null,
      cloud: signedIn ? 'Global' : '',
      apiVersion: 'v1.0',
      metadata: 'FIDO metadata no. 1 (next update 2026-12-29)',
    });
    if (options.store) this.tenant.info.store = options.store;
    if (options.startDeviceCode) {
      // As the app: before the sign-in ends the header names the options' tenant and cloud.
      Object.assign(this.tenant.info, { tenant: 'contoso.onmicrosoft.com', cloud: 'Global' });
      this.tenant.startDeviceCode({
        tenant: 'contoso.onmicrosoft.com',
        cloud: 'global',
        mode: 'deviceCode',
        clientId: '11111111-2222-3333-4444-555555555555',
        certPath: null,
        group: 'Passkey rollout — Finance',
      });
    }
  }

  appInfo(): Promise<AppInfo> {
    return Promise.resolve({ ...this.tenant.info });
  }

  async connectionLoad(): Promise<ConnectionState> {
    return this.tenant.state();
  }

  signIn(
    connection: Connection,
    secret: NewSecret | null,
    onEvent: (event: SignInEvent) => void,
  ): Promise<AppInfo> {
    return this.tenant.signIn(connection, secret, onEvent, () => this.pause());
  }

  async importYubico(path: string): Promise<YubicoImport> {
    return this.tenant.importYubico(path);
  }

  async signOut(forgetSecret: boolean): Promise<AppInfo> {
    return this.tenant.signOut(forgetSecret);
  }

  async tenantCheck(group: string): Promise<CheckLine[]> {
    await this.pause();
    return this.tenant.check(group);
  }

  async groupSearch(text: string): Promise<GroupChoice[]> {
    await this.pause();
    return this.tenant.searchGroups(text);
  }

  async groupChoose(group: GroupChoice): Promise<AppInfo> {
    await this.pause();
    const info = this.tenant.chooseGroup(group);
    this.listed = null;
    return info;
  }

  async deskClaims(): Promise<DeskClaim[]> {
    return [...this.deskHeld].map(([userId, desk]) => ({ userId, desk }));
  }

  async usersFileLoad(path: string): Promise<UserListLoaded> {
    await this.pause();
    if (!this.tenant.signedIn) {
      throw ipcError(
        'signIn',
        'KeyDesk is not signed in to a tenant.',
        'Open Connection and sign in.',
      );
    }
    if (this.tenant.demo) {
      throw ipcError(
        'invalidInput',
        "The demo works its simulated tenant's group.",
        'Start KeyDesk without --demo to load a list of users.',
      );
    }
    const text = this.options.files?.[path.trim()];
    if (text === undefined) {
      throw ipcError(
        'invalidInput',
        `Cannot read ${path.trim()}: No such file or directory (os error 2).`,
        'Check the path (the full path, e.g. /home/me/users.csv) and that the file is readable.',
      );
    }
    const list = readUserList(text, this.users);
    if (list.ids.length === 0) {
      throw ipcError(
        'invalidInput',
        `${path.trim()} gives no user of this tenant: ${list.problems.slice(0, 5).join('; ')}.`,
        'List one user principal name (name@domain) per line, or a CSV with a upn or userPrincipalName column.',
      );
    }
    this.listed = list.ids;
    const name = path.trim().split('/').pop() ?? path;
    this.tenant.info.group = `${name} (list)`;
    return {
      info: { ...this.tenant.info },
      path: path.trim(),
      users: list.ids.length,
      problems: list.problems,
    };
  }

  async settingsLoad(): Promise<DeskSettings> {
    return { ...this.tenant.settings };
  }

  async settingsSave(settings: DeskSettings): Promise<void> {
    this.tenant.saveSettings(settings);
  }

  async loadQueue(): Promise<QueueUser[]> {
    await this.pause();
    if (!this.tenant.signedIn) {
      throw ipcError(
        'signIn',
        'KeyDesk is not signed in to a tenant.',
        'Open Connection and sign in.',
      );
    }
    if (this.queueFailures > 0) {
      this.queueFailures -= 1;
      throw {
        ...ipcError(
          'network',
          'Could not reach Microsoft Graph.',
          'Check the network connection, then retry.',
        ),
        requestId: 'c0ffee00-0000-4000-8000-000000000001',
      } satisfies IpcError;
    }
    const listed = this.listed;
    const users = structuredClone(
      listed === null ? this.users : this.users.filter((u) => listed.includes(u.id)),
    ).map((u) => {
      const desk = this.deskHeld.get(u.id);
      return desk === undefined ? u : { ...u, atDesk: desk };
    });
    // The performance harness (scripts/perf.mjs) times the render from here.
    performance.mark('keydesk:queue-served');
    return users;
  }

  /**
   * The user leaves the group, as the tenant's admin would do it: as the real backend
   * shows it at the next load, a user the journal knows stays marked, one never worked
   * leaves the queue.
   */
  leaveGroup(userId: string): void {
    const at = this.users.findIndex((u) => u.id === userId);
    const user = this.users[at];
    if (!user) return;
    if (user.status === 'pending') this.users.splice(at, 1);
    else user.leftGroup = true;
  }

  private batchStopping = false;
  /** Keys a batch refused (a PIN on them): no other user of that batch gets them. */
  private setAside: Set<string> | null = null;

  /** One user after the other (the fake has one worker), as the real batch reports them. */
  async batchStart(onEvent: (event: BatchEvent) => void): Promise<void> {
    this.batchStopping = false;
    this.setAside = new Set();
    let registered = 0;
    let failed = 0;
    const startedAt = Math.floor(Date.now() / 1000);
    const keys = new Map<string, KeyCount>();
    const reasons = new Map<string, number>();
    for (const user of this.users.filter((u) => u.status === 'pending' && !u.leftGroup)) {
      if (this.batchStopping) break;
      const userId = user.id;
      await this.provision(userId, null, null, (e) => {
        if (e.event === 'step') {
          onEvent({ event: 'step', data: { userId, displayName: user.displayName, ...e.data } });
        } else if (e.event === 'keyTaken') {
          const data = { userId, displayName: user.displayName, keyId: e.data.keyId };
          onEvent({ event: 'keyTaken', data });
        } else if (e.event === 'registered') {
          registered += 1;
          const key = e.data.keyModel;
          const count = keys.get(key) ?? { key, registered: 0, failed: 0 };
          keys.set(key, { ...count, registered: count.registered + 1 });
          onEvent(e);
        } else {
          failed += 1;
          reasons.set(e.data.message, (reasons.get(e.data.message) ?? 0) + 1);
          onEvent({
            event: 'failed',
            data: { userId, displayName: user.displayName, error: e.data, keyModel: null },
          });
        }
      });
    }
    this.setAside = null;
    const endedAt = Math.floor(Date.now() / 1000);
    const durationSecs = endedAt - startedAt;
    const summary: BatchSummary = {
      startedAt,
      endedAt,
      durationSecs,
      registered,
      failed,
      skipped: 0,
      stopped: this.batchStopping,
      perHour: durationSecs >= 60 ? (registered * 3600) / durationSecs : null,
      keys: [...keys.values()],
      reasons: [...reasons].map(([reason, users]) => ({ reason, users })),
    };
    this.lastBatch = summary;
    onEvent({
      event: 'finished',
      data: { registered, failed, stopped: this.batchStopping, summary },
    });
  }

  batchStop(): Promise<void> {
    this.batchStopping = true;
    return Promise.resolve();
  }

  async provision(
    userId: string,
    keyWithPin: PinChoice | null,
    existing: ExistingChoice | null,
    onEvent: (event: ProvisionEvent) => void,
  ): Promise<void> {
    const user = this.users.find((u) => u.id === userId);
    if (!user || user.leftGroup) {
      throw ipcError('notEligible', 'This user is not in the group.', 'Reload the queue.');
    }
    if (user.status === 'revoked') {
      throw ipcError('revoked', 'This user’s key was reported lost.', 'Issue a new key first.');
    }
    if (user.status === 'registered' || user.status === 'skipped') {
      throw ipcError('notEligible', 'This user cannot be provisioned now.', 'Pick a pending user.');
    }
    if (this.busy)
      throw ipcError('busy', 'Another user is being provisioned.', 'Wait for it to finish.');
    this.busy = true;
    this.cancelled = false;
    user.status = 'inProgress';
    user.detail = null;
    // The messages are the engine's `Step::prompt` wording, as the real backend sends them.
    const step = (s: Step, message: string) =>
      onEvent({ event: 'step', data: { step: s, message } });
    const fail = (error: IpcError) => {
      user.status = 'failed';
      user.detail = error.message;
      onEvent({ event: 'failed', data: error });
    };
    const cancelled = () =>
      ipcError(
        'cancelled',
        'Provisioning was cancelled.',
        'Provision the user again when you are ready: KeyDesk resumes where it stopped.',
      );
    try {
      step('fetchingOptions', 'Asking Entra ID for a registration challenge…');
      await this.pause();
      if (this.cancelled) return fail(cancelled());

      let key = this.freeKey();
      if (!key) {
        step('insertKey', 'Insert a security key');
        while (!(key = this.freeKey())) {
          await this.nextChange();
          if (this.cancelled) return fail(cancelled());
        }
      }
      const keyId = key.id;
      onEvent({ event: 'keyTaken', data: { keyId } });
      const pulled = () =>
        ipcError(
          'keyRemoved',
          'The security key was removed.',
          'Plug the key back in and try again.',
        );

      step('checkingKey', 'Checking the key…');
      await this.pause();
      if (!this.keys.has(keyId)) return fail(pulled());
      const refused = await this.keyWithPin(key, keyWithPin, step);
      if (refused) {
        this.setAside?.add(keyId);
        return fail(refused);
      }
      if (!this.keys.has(keyId)) return fail(pulled());

      step('settingPin', 'Setting a new PIN on the key…');
      await this.pause();
      if (!this.keys.has(keyId)) return fail(pulled());

      step('touchKey', 'Touch your security key');
      this.update(keyId, { awaitingTouch: true });
      while (this.keys.get(keyId)?.awaitingTouch) await this.nextChange();
      if (!this.keys.has(keyId)) return fail(pulled());

      step('registering', 'Registering the passkey with Entra ID…');
      await this.pause();
      const injected = this.options.failures?.[userId];
      if (injected) return fail(injected);

      this.update(keyId, { used: true });
      const serial = key.serial;
      user.status = 'registered';
      user.detail = serial ? `${key.model} · ${serial}` : key.model;
      const registered: Registered = {
        userId,
        upn: user.upn,
        displayName: user.displayName,
        pin: randomPin(),
        keyModel: key.model,
        keySerial: serial,
        methodName: `${key.model} (KeyDesk)`,
        warnings: [...(this.options.warnings ?? [])],
      };
      this.escrow.set(userId, registered);
      this.inventory.add(user, key.model, serial, this.tenant.info.operator ?? undefined);
      this.audit.append(this.operatorName(), 'registered', userId, `${key.model} ${serial ?? ''}`);
      const replace =
        existing === null
          ? this.tenant.settings.deleteExistingPasskeys
          : existing === 'deleteAfterRegistration';
      const replaced = this.passkeys.registered(
        userId,
        registered.methodName ?? '',
        key.model,
        replace,
      );
      for (const p of replaced) {
        this.audit.append(this.operatorName(), 'passkey replaced', userId, p.name);
      }
      onEvent({ event: 'registered', data: { ...registered } });
    } finally {
      this.busy = false;
    }
  }

  /** Users whose PIN letter was reported printed (the real backend wipes the escrow). */
  readonly lettersPrinted: string[] = [];

  letterPrinted(userId: string): Promise<void> {
    this.lettersPrinted.push(userId);
    this.escrow.delete(userId);
    return Promise.resolve();
  }

  async cancelProvision(): Promise<void> {
    if (!this.busy) return;
    this.cancelled = true;
    this.emit(null);
  }

  async skipUser(userId: string): Promise<void> {
    const user = this.users.find((u) => u.id === userId);
    if (!user || (user.status !== 'pending' && user.status !== 'failed')) {
      throw ipcError('invalidInput', 'Only a pending or failed user can be skipped.', 'Reload.');
    }
    user.status = 'skipped';
    user.detail = 'skipped by the operator';
    this.audit.append(this.operatorName(), 'skipped', userId, 'skipped by the operator');
  }

  async retryUser(userId: string): Promise<void> {
    const user = this.users.find((u) => u.id === userId);
    if (!user || !['failed', 'skipped', 'revoked'].includes(user.status)) {
      throw ipcError(
        'invalidInput',
        'Only a failed, skipped or revoked user can be retried.',
        'Reload.',
      );
    }
    user.status = 'pending';
    user.detail = null;
  }

  async moveToTop(userIds: string[]): Promise<void> {
    const byId = new Map(this.users.map((u) => [u.id, u]));
    const first = [...new Set(userIds)].flatMap((id) => byId.get(id) ?? []);
    const moved = new Set(first);
    const rest = this.users.filter((u) => !moved.has(u));
    this.users.splice(0, this.users.length, ...first, ...rest);
  }

  async lettersPending(): Promise<PendingLetter[]> {
    this.lock.refuseIfLocked();
    return [...this.escrow.values()].map((r) => ({
      userId: r.userId,
      upn: r.upn,
      displayName: r.displayName,
      keyModel: r.keyModel,
      keySerial: r.keySerial,
    }));
  }

  async reprintLetter(userId: string): Promise<Registered> {
    this.lock.refuseIfLocked();
    const sealed = this.escrow.get(userId);
    if (!sealed) {
      throw ipcError(
        'escrowUnavailable',
        'This user’s PIN is no longer kept: its letter was confirmed printed.',
        'Use Replace key to give the user a new key and PIN.',
      );
    }
    return { ...sealed, methodName: null, warnings: [] };
  }

  /** Decisions taken on jobs that need attention (the real backend audits them). */
  readonly decisions: Array<{ userId: string; methodId: string | null }> = [];

  async attentionList(): Promise<AttentionJob[]> {
    return this.users
      .filter((u) => u.status === 'needsAttention')
      .map((u) => ({
        userId: u.id,
        upn: u.upn,
        displayName: u.displayName,
        detail: u.detail,
        candidates: [
          {
            methodId: `m-old-${u.id}`,
            displayName: 'YubiKey 5 NFC 11000001',
            created: '2026-01-10T09:00:00Z',
            aaguid: MODELS[0].aaguid,
            newSinceAttempt: false,
          },
          {
            methodId: `m-new-${u.id}`,
            displayName: 'YubiKey 5 NFC 31000137',
            created: '2026-11-29T10:02:11Z',
            aaguid: MODELS[0].aaguid,
            newSinceAttempt: true,
          },
        ],
      }));
  }

  async attentionResolve(userId: string, methodId: string | null): Promise<UserStatus> {
    const user = this.users.find((u) => u.id === userId && u.status === 'needsAttention');
    if (!user) throw ipcError('nothingToResolve', 'Nothing to decide for this user.', 'Reload.');
    this.decisions.push({ userId, methodId });
    user.status = methodId ? 'registered' : 'pending';
    user.detail = methodId ? 'passkey confirmed by the operator' : null;
    return user.status;
  }

  async revokeKey(userId: string, reissue: boolean): Promise<void> {
    const user = this.users.find((u) => u.id === userId);
    if (!user || user.status !== 'registered') {
      throw ipcError('nothingToResolve', 'This user has no key from KeyDesk.', 'Reload.');
    }
    this.escrow.delete(userId);
    user.status = reissue ? 'pending' : 'revoked';
    user.detail = reissue ? null : 'key reported lost';
  }

  async passkeysList(userId: string): Promise<ExistingPasskey[]> {
    await this.pause();
    return this.passkeys.list(userId);
  }

  async passkeyDelete(userId: string, methodId: string): Promise<void> {
    await this.pause();
    const gone = this.passkeys.delete(userId, methodId);
    this.audit.append(this.operatorName(), 'passkey deleted', userId, gone.name);
  }

  async inventoryList(): Promise<InventoryItem[]> {
    return this.inventory.list();
  }

  async inventoryLost(serialOrUser: string): Promise<InventoryItem[]> {
    return this.takeBack(serialOrUser, 'revoked', 'key reported lost');
  }

  async inventoryReturned(serial: string): Promise<InventoryItem[]> {
    return this.takeBack(serial, 'returned', 'key returned');
  }

  private takeBack(query: string, state: 'revoked' | 'returned', why: string): InventoryItem[] {
    const taken = this.inventory.takeBack(query, state, state === 'returned');
    if (taken.length === 0) {
      throw ipcError(
        'nothingToResolve',
        `No issued key matches “${query}”.`,
        state === 'returned' ? 'Check the serial on the key.' : 'Check the serial or the UPN.',
      );
    }
    for (const e of taken) {
      this.audit.append(this.operatorName(), state, e.userId, `key ${e.serial} ${why}`);
      const user = this.users.find((u) => u.id === e.userId);
      this.escrow.delete(e.userId);
      if (user && user.status === 'registered') {
        user.status = 'revoked';
        user.detail = why;
      }
    }
    return taken;
  }

  async auditExport(): Promise<string> {
    return this.audit.export();
  }

  async auditVerify(): Promise<AuditCheck> {
    return this.audit.verify();
  }

  private operatorName(): string {
    return this.tenant.info.operator ?? 'the app';
  }

  async watchKeys(onEvent: (event: KeyEvent) => void): Promise<void> {
    this.watchers.add(onEvent);
    for (const key of this.keys.values()) onEvent({ event: 'added', data: view(key) });
    onEvent({ event: 'enumerationComplete' });
  }

  /**
   * A key that has a PIN: refused without a choice (tries left said), changed from the
   * right current PIN, or reset after a re-plug and a touch, as the engine does. Returns
   * the refusal, or null when the job goes on.
   */
  private async keyWithPin(
    key: FakeKey,
    choice: PinChoice | null,
    step: (s: Step, message: string) => void,
  ): Promise<IpcError | null> {
    if (key.pin === undefined) return null;
    const retries = key.retries ?? 8;
    if (choice === null) {
      return {
        ...ipcError(
          'keyHasPin',
          `This key already has a PIN (${retries} PIN tries left)`,
          'Use a new key, or choose to change the PIN (type the current one) or reset the key.',
        ),
        pinRetries: retries,
      };
    }
    if (choice.choice === 'change') {
      if (retries <= 2) {
        return ipcError('pinRetriesLow', 'This key has too few PIN retries left', 'Reset it.');
      }
      if (choice.currentPin !== key.pin) {
        key.retries = retries - 1;
        return ipcError('pinInvalid', 'The key refused the PIN.', 'Type the key’s current PIN.');
      }
      return null;
    }
    step('replugKey', 'Unplug the key and plug it back in to reset it');
    while (this.keys.has(key.id)) await this.nextChange();
    while (!this.keys.has(key.id)) await this.nextChange();
    step('resetKey', 'Resetting the key: touch it now');
    this.update(key.id, { awaitingTouch: true });
    while (this.keys.get(key.id)?.awaitingTouch) await this.nextChange();
    delete key.pin;
    delete key.retries;
    return null;
  }

  /** Tests' shorthand: plug a blank key, get its view. */
  async plugBlank(): Promise<KeyView> {
    return (await this.demoPlugKey({ withPin: false, aaguid: null })).key;
  }

  async demoModels(): Promise<DemoModel[]> {
    this.requireDemo();
    return MODELS.map((m) => ({ aaguid: m.aaguid, name: m.model }));
  }

  async demoPlugKey(wanted: PlugKey): Promise<PluggedKey> {
    this.requireDemo();
    const n = this.nextKey++;
    const model =
      MODELS.find((m) => m.aaguid === wanted.aaguid) ??
      MODELS[(n - 1) % MODELS.length] ??
      MODELS[0];
    const pin = wanted.withPin ? randomPin() : null;
    const key: FakeKey = {
      id: `sim-${n}`,
      ...(pin === null ? {} : { pin, retries: 8 }),
      model: model.model,
      modelFromMetadata: true,
      icon: null,
      certification: 'FIDO_CERTIFIED_L1',
      serial: String(31_000_000 + n * 137),
      aaguid: model.aaguid,
      simulated: true,
      awaitingTouch: false,
      used: false,
    };
    this.keys.set(key.id, key);
    this.emit({ event: 'added', data: view(key) });
    return { key: view(key), pin };
  }

  async demoPullKey(keyId: string): Promise<void> {
    this.requireDemo();
    const key = this.keys.get(keyId);
    if (!key) throw ipcError('key', 'No such key.', 'Refresh the key list.');
    this.keys.delete(keyId);
    this.drawer.set(keyId, { ...key, awaitingTouch: false });
    this.emit({ event: 'removed', data: { id: keyId } });
  }

  async demoReplugKey(keyId: string): Promise<KeyView> {
    this.requireDemo();
    const key = this.drawer.get(keyId);
    if (!key) throw ipcError('invalidInput', 'That key is not in the drawer.', 'Plug a new key.');
    this.drawer.delete(keyId);
    this.keys.set(keyId, key);
    this.emit({ event: 'added', data: view(key) });
    return view(key);
  }

  async demoTouchKey(keyId: string): Promise<void> {
    this.requireDemo();
    if (!this.keys.has(keyId)) throw ipcError('key', 'No such key.', 'Refresh the key list.');
    this.update(keyId, { awaitingTouch: false });
  }

  private requireDemo(): void {
    if (this.options.demo === false) {
      throw ipcError('internal', 'Demo commands are off.', 'Start KeyDesk with --demo.');
    }
  }

  private freeKey(): FakeKey | undefined {
    return [...this.keys.values()].find((k) => !k.used && !this.setAside?.has(k.id));
  }

  private update(keyId: string, patch: Partial<FakeKey>): void {
    const key = this.keys.get(keyId);
    if (!key) return;
    Object.assign(key, patch);
    this.emit({ event: 'changed', data: view(key) });
  }

  /** Tell the watchers (unless `null`) and wake every waiting job. */
  private emit(event: KeyEvent | null): void {
    if (event) for (const watcher of this.watchers) watcher(event);
    const wakers = this.wakers;
    this.wakers = [];
    for (const wake of wakers) wake();
  }

  private nextChange(): Promise<void> {
    return new Promise((resolve) => this.wakers.push(resolve));
  }

  private pause(): Promise<void> {
    const ms = this.options.stepDelayMs ?? 0;
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

function view(key: FakeKey): KeyView {
  const { used: _used, pin: _pin, retries: _retries, ...rest } = key;
  return { ...rest };
}
