/**
 * The `Backend` over Tauri IPC: the generated typed commands (`bindings/commands.ts`) given
 * Tauri's `invoke`, and a Tauri `Channel` per event stream.
 * This folder is the only place that imports `@tauri-apps/*`.
 */
import { Channel, invoke } from '@tauri-apps/api/core';
import { commands } from '../bindings/commands';
import type { Backend } from './backend';

/** True when the page runs inside the Tauri webview. */
export function insideTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

const api = commands({
  invoke,
  channel: <T>(onMessage: (message: T) => void) => new Channel<T>(onMessage),
});

export const tauriBackend: Backend = {
  appInfo: api.appInfo,
  connectionLoad: api.connectionLoad,
  signIn: api.signIn,
  signOut: api.signOut,
  tenantCheck: api.tenantCheck,
  groupSearch: api.groupSearch,
  groupChoose: api.groupChoose,
  usersFileLoad: api.usersFileLoad,
  lockState: api.lockState,
  lockNow: api.lockNow,
  unlock: api.unlock,
  unlockSignIn: api.unlockSignIn,
  stationPassphraseSet: api.stationPassphraseSet,
  settingsLoad: api.settingsLoad,
  settingsSave: api.settingsSave,
  loadQueue: api.queueLoad,
  deskClaims: api.deskClaims,
  provision: api.provision,
  cancelProvision: api.provisionCancel,
  passkeysList: api.passkeysList,
  passkeyDelete: api.passkeyDelete,
  batchStart: api.batchStart,
  batchStop: api.batchStop,
  batchSummarySave: api.batchSummarySave,
  skipUser: api.queueSkip,
  retryUser: api.queueRetry,
  moveToTop: api.queueMoveToTop,
  letterPrinted: api.letterPrinted,
  lettersPending: api.lettersPending,
  reprintLetter: api.letterReprint,
  paperFolder: api.paperFolder,
  lettersPdf: api.lettersPdf,
  lettersSave: api.lettersSave,
  labelsSave: api.labelsSave,
  tapSave: api.tapSave,
  importYubico: api.connectionImportYubico,
  phoneHandOut: api.phoneHandOut,
  phoneCancel: api.phoneCancel,
  demoPhone: api.demoPhone,
  reportSave: api.reportSave,
  revokeKey: api.keyRevoke,
  attentionList: api.attentionList,
  attentionResolve: api.attentionResolve,
  inventoryList: api.inventoryList,
  inventoryLost: api.inventoryLost,
  inventoryReturned: api.inventoryReturned,
  auditExport: api.auditExport,
  auditVerify: api.auditVerify,
  watchKeys: api.keysWatch,
  demoPlugKey: api.demoPlugKey,
  demoModels: api.demoModels,
  demoPullKey: api.demoPullKey,
  demoReplugKey: api.demoReplugKey,
  demoTouchKey: api.demoTouchKey,
};
