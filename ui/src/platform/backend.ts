/**
 * The port between the UI and whatever runs the provisioning: the Tauri backend in the app,
 * an in-memory simulator in tests and in a plain browser.
 *
 * Components and state modules depend on this interface only; nothing outside
 * `src/platform/` imports `@tauri-apps/*` (an eslint rule, `npm run lint`, enforces it).
 */
import type { AppInfo } from '../bindings/AppInfo';
import type { BatchEvent } from '../bindings/BatchEvent';
import type { AttentionJob } from '../bindings/AttentionJob';
import type { AuditCheck } from '../bindings/AuditCheck';
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
import type { UserListLoaded } from '../bindings/UserListLoaded';
import type { UserStatus } from '../bindings/UserStatus';
import type { InventoryItem } from '../bindings/InventoryItem';
import type { KeyEvent } from '../bindings/KeyEvent';
import type { KeyView } from '../bindings/KeyView';
import type { LockState } from '../bindings/LockState';
import type { PendingLetter } from '../bindings/PendingLetter';
import type { DemoModel } from '../bindings/DemoModel';
import type { PinChoice } from '../bindings/PinChoice';
import type { PlugKey } from '../bindings/PlugKey';
import type { PluggedKey } from '../bindings/PluggedKey';
import type { ProvisionEvent } from '../bindings/ProvisionEvent';
import type { QueueUser } from '../bindings/QueueUser';
import type { Registered } from '../bindings/Registered';
import type { ReportFormat } from '../bindings/ReportFormat';
import type { SavedFile } from '../bindings/SavedFile';
import type { PhoneEvent } from '../bindings/PhoneEvent';
import type { PhoneRequest } from '../bindings/PhoneRequest';
import type { SummaryFormat } from '../bindings/SummaryFormat';
import type { TapRequest } from '../bindings/TapRequest';
import type { YubicoImport } from '../bindings/YubicoImport';

export interface Backend {
  /** Header data: tenant, group, demo mode. */
  appInfo(): Promise<AppInfo>;
  /** The saved connection and whether the desk is signed in. */
  connectionLoad(): Promise<ConnectionState>;
  /**
   * Save the connection (no secret in it), keep `secret` in the OS keyring when given, sign
   * in. An interactive sign-in reports what to do on `onEvent`. Resolves with the header.
   */
  signIn(
    connection: Connection,
    secret: NewSecret | null,
    onEvent: (event: SignInEvent) => void,
  ): Promise<AppInfo>;
  /**
   * Read the Yubico sample's configs.json at `path`: its client secret goes to the OS
   * keyring; the connection it names comes back to fill the form (nothing saved yet).
   */
  importYubico(path: string): Promise<YubicoImport>;
  /** Forget every token; with `forgetSecret`, the stored secret too. */
  signOut(forgetSecret: boolean): Promise<AppInfo>;
  /** The read-only tenant check for `group`, one verdict per line. */
  tenantCheck(group: string): Promise<CheckLine[]>;
  /** Groups whose display name has a word starting with `text`, with id and size. */
  groupSearch(text: string): Promise<GroupChoice[]>;
  /** Make `group` the queue's group (remembered); resolves with the header. */
  groupChoose(group: GroupChoice): Promise<AppInfo>;
  /**
   * Make the users listed in the file at `path` the queue (remembered); resolves with the
   * header, the number of users found and each line left out.
   */
  usersFileLoad(path: string): Promise<UserListLoaded>;
  /** The desk's settings. */
  /** How the window unlocks if it started locked (app-only, passphrase set), else null. */
  lockState(): Promise<LockState | null>;
  /** Locks the window: the PIN commands are refused until an unlock. How it unlocks. */
  lockNow(): Promise<LockState>;
  /** Unlocks; the station passphrase in app-only modes, `null` otherwise. */
  unlock(passphrase: string | null): Promise<void>;
  /** Sets the station passphrase (once; `again` is the second typing) and unlocks. */
  stationPassphraseSet(passphrase: string, again: string): Promise<void>;
  /** Unlocks in the delegated modes: the operator signs in again (prompts on `onEvent`). */
  unlockSignIn(onEvent: (event: SignInEvent) => void): Promise<void>;
  settingsLoad(): Promise<DeskSettings>;
  /** Save the desk's settings (rejects with `invalidInput` and why). */
  settingsSave(settings: DeskSettings): Promise<void>;
  /** The group's users. Rejects with an `IpcError`. */
  loadQueue(): Promise<QueueUser[]>;
  /** The users other desks on the shared store are working now (none without one). */
  deskClaims(): Promise<DeskClaim[]>;
  /**
   * Provision one user. Streams `step` events, then `registered` or `failed`;
   * resolves when the job is over (it may also reject with an `IpcError`). `keyWithPin`
   * is the operator's choice, for this job only, for a key that already has a PIN;
   * `existing` for the user's existing passkeys (null: the desk's setting).
   */
  provision(
    userId: string,
    keyWithPin: PinChoice | null,
    existing: ExistingChoice | null,
    onEvent: (event: ProvisionEvent) => void,
  ): Promise<void>;
  /** The user's passkeys in Entra now (name, model, created). */
  passkeysList(userId: string): Promise<ExistingPasskey[]>;
  /** Delete one of the user's passkeys (confirmed by the operator); audited. */
  passkeyDelete(userId: string, methodId: string): Promise<void>;
  /** Stop the running job while it waits for a key or for Graph; it fails as `cancelled`. */
  cancelProvision(): Promise<void>;
  /**
   * Work the loaded queue over every plugged key at once (one user per key). Streams a
   * `step` per user and step, `registered`/`failed` per user, then `finished`; resolves
   * when the batch is over.
   */
  batchStart(onEvent: (event: BatchEvent) => void): Promise<void>;
  /** The batch takes no new user; the users in progress finish. */
  batchStop(): Promise<void>;
  /** Write the last batch's summary (no PIN in it) to `path` as CSV or JSON. */
  batchSummarySave(format: SummaryFormat, path: string): Promise<SavedFile>;
  /** The operator skips a pending or failed user: its status becomes `skipped`. */
  skipUser(userId: string): Promise<void>;
  /** The operator retries a failed or skipped user: its status becomes `pending`. */
  retryUser(userId: string): Promise<void>;
  /** The operator moves these users (in this order) ahead of the whole queue. */
  moveToTop(userIds: string[]): Promise<void>;
  /** The user's PIN letter is printed: the backend wipes the PIN it kept (sealed) till now. */
  letterPrinted(userId: string): Promise<void>;
  /** Every sealed PIN whose letter is not confirmed printed (no PINs in the list). */
  lettersPending(): Promise<PendingLetter[]>;
  /** Open a sealed PIN again, to reprint its letter. */
  reprintLetter(userId: string): Promise<Registered>;
  /** The folder a save offers first (the data folder's parent). */
  paperFolder(): Promise<string>;
  /** The PIN letters PDF of `userIds` (none: every letter waiting), for the viewer. */
  lettersPdf(userIds: string[]): Promise<ArrayBuffer>;
  /** Write the PIN letters PDF to `path`; nothing is wiped until `letterPrinted`. */
  lettersSave(userIds: string[], path: string): Promise<SavedFile>;
  /** Write the key labels PDF of `userIds` (none: every key whose letter waits) to `path`. */
  labelsSave(userIds: string[], path: string): Promise<SavedFile>;
  /** Issue a pass per user and write their onboarding letters to `path`. */
  tapSave(request: TapRequest, path: string): Promise<SavedFile>;
  /**
   * Hand out a phone: issue the user a Temporary Access Pass (sent once on `passIssued`),
   * wait for the passkey in Microsoft Authenticator, delete the pass. Streams progress,
   * then `done` or `failed`; resolves when it is over.
   */
  phoneHandOut(request: PhoneRequest, onEvent: (event: PhoneEvent) => void): Promise<void>;
  /** Stop waiting for the phone (its pass is deleted). */
  phoneCancel(): Promise<void>;
  /** Write a report from the journal to `path`. */
  reportSave(format: ReportFormat, path: string): Promise<SavedFile>;
  /** Every job that needs attention, with the user's passkeys (new ones marked). */
  attentionList(): Promise<AttentionJob[]>;
  /** The operator's decision: `methodId` is the job's passkey, or none is. Audited. */
  attentionResolve(userId: string, methodId: string | null): Promise<UserStatus>;
  /** Lost or replaced key: delete and revoke the passkey; `reissue` makes the user pending. */
  revokeKey(userId: string, reissue: boolean): Promise<void>;
  /** The whole key inventory, newest first. */
  inventoryList(): Promise<InventoryItem[]>;
  /**
   * A key is lost: every issued passkey for this serial, user id or UPN is deleted in Entra
   * and revoked. Resolves with the entries revoked; rejects when none is issued.
   */
  inventoryLost(serialOrUser: string): Promise<InventoryItem[]>;
  /**
   * A key (by serial) came back: its passkey is deleted and the entry marked returned.
   * Rejects when no issued key has this serial.
   */
  inventoryReturned(serial: string): Promise<InventoryItem[]>;
  /** The audit log in its export format (docs/AUDIT-EXPORT.md). */
  auditExport(): Promise<string>;
  /** Whether the audit chain verifies (a broken chain resolves with `ok: false`). */
  auditVerify(): Promise<AuditCheck>;
  /** Stream plugged-key changes, starting with a synthetic `added` per present key. */
  watchKeys(onEvent: (event: KeyEvent) => void): Promise<void>;
  /** Demo only: plug a simulated key, blank or with a PIN (returned), of a chosen model. */
  demoPlugKey(key: PlugKey): Promise<PluggedKey>;
  /** Demo only: the models the key panel can plug. */
  demoModels(): Promise<DemoModel[]>;
  /** Demo only: pull a simulated key (it can be plugged back in). */
  demoPullKey(keyId: string): Promise<void>;
  /** Demo only: plug a pulled key back in, same key and state (the re-plug of a reset). */
  demoReplugKey(keyId: string): Promise<KeyView>;
  /** Demo only: the technician's phone signs in with the pass awaited and makes the passkey. */
  demoPhone(userId: string): Promise<void>;
  /** Demo only: touch a simulated key. */
  demoTouchKey(keyId: string): Promise<void>;
}
