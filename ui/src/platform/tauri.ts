/**
 * The `Backend` over Tauri IPC: one `invoke` per command, a `Channel` per event stream.
 * This folder is the only place that imports `@tauri-apps/*`.
 */
import { Channel, invoke } from '@tauri-apps/api/core';
import type { AppInfo } from '../bindings/AppInfo';
import type { KeyEvent } from '../bindings/KeyEvent';
import type { KeyView } from '../bindings/KeyView';
import type { ProvisionEvent } from '../bindings/ProvisionEvent';
import type { QueueUser } from '../bindings/QueueUser';
import type { Backend } from './backend';

/** True when the page runs inside the Tauri webview. */
export function insideTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

export const tauriBackend: Backend = {
  appInfo: () => invoke<AppInfo>('app_info'),
  loadQueue: () => invoke<QueueUser[]>('queue_load'),
  provision: async (userId, onEvent) => {
    const onEventChannel = new Channel<ProvisionEvent>(onEvent);
    await invoke<void>('provision', { userId, onEvent: onEventChannel });
  },
  letterPrinted: (userId) => invoke<void>('letter_printed', { userId }),
  watchKeys: async (onEvent) => {
    const onEventChannel = new Channel<KeyEvent>(onEvent);
    await invoke<void>('keys_watch', { onEvent: onEventChannel });
  },
  demoPlugKey: () => invoke<KeyView>('demo_plug_key'),
  demoPullKey: (keyId) => invoke<void>('demo_pull_key', { keyId }),
  demoTouchKey: (keyId) => invoke<void>('demo_touch_key', { keyId }),
};
