/**
 * Which screen the window shows (the desk, the connection, the settings) and the work of
 * the connection and settings screens: load what is saved, sign in and out, run the tenant
 * check, save settings. The desk reloads its queue through `onSignedIn`.
 */
import type { AppInfo } from '../bindings/AppInfo';
import type { Backend } from '../platform/backend';
import { ConnectionForm } from './connection.svelte';
import { toIpcError } from './errors';
import { SettingsForm } from './settings.svelte';

export type View = 'desk' | 'connection' | 'settings';

export class Session {
  view = $state<View>('desk');
  readonly connection = new ConnectionForm();
  readonly settings = new SettingsForm();

  constructor(
    private readonly backend: Backend,
    private readonly onInfo: (info: AppInfo) => void,
    private readonly onSignedIn: () => Promise<void>,
  ) {}

  async openConnection(): Promise<void> {
    const c = this.connection;
    this.view = 'connection';
    try {
      const state = await this.backend.connectionLoad();
      if (state.connection) c.form = { ...state.connection };
      c.secretStored = state.secretStored;
      c.demo = state.demo;
      c.phase = state.signedIn ? 'signedIn' : 'idle';
      c.error = state.startFailed;
      // Not awaited: the window goes on while the operator enters the code elsewhere.
      if (state.startRunning && !state.signedIn) void this.followStartSignIn();
    } catch (e) {
      c.error = toIpcError(e);
    }
  }

  /** How often a sign-in started from the command line is looked at again. */
  startPollMs = 1000;

  /**
   * A device-code sign-in started from the command line runs in the backend: show its code
   * and look again until the desk is signed in (then open the desk) or it failed (then say
   * why and leave the form to sign in by hand).
   */
  private async followStartSignIn(): Promise<void> {
    const c = this.connection;
    c.phase = 'signingIn';
    for (;;) {
      let state;
      try {
        state = await this.backend.connectionLoad();
      } catch (e) {
        c.phase = 'idle';
        c.prompt = null;
        c.error = toIpcError(e);
        return;
      }
      c.prompt = state.waiting;
      if (state.signedIn) {
        c.prompt = null;
        c.phase = 'signedIn';
        this.onInfo(await this.backend.appInfo());
        await this.onSignedIn();
        return;
      }
      if (!state.startRunning) {
        c.prompt = null;
        c.phase = 'idle';
        c.error = state.startFailed;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, this.startPollMs));
    }
  }

  async signIn(): Promise<void> {
    const c = this.connection;
    if (c.phase === 'signingIn' || c.missing) return;
    c.phase = 'signingIn';
    c.error = null;
    c.prompt = null;
    c.checkLines = null;
    const secret = c.secret ? { value: c.secret } : null;
    c.secret = '';
    try {
      const info = await this.backend.signIn({ ...c.form }, secret, (event) => {
        c.prompt = event;
      });
      if (secret) c.secretStored = true;
      c.phase = 'signedIn';
      c.prompt = null;
      this.onInfo(info);
      await this.onSignedIn();
    } catch (e) {
      c.phase = 'idle';
      c.prompt = null;
      c.error = toIpcError(e);
    }
  }

  /** Fill the form from the Yubico sample's configs.json; its secret goes to the keyring. */
  async importYubico(): Promise<void> {
    const c = this.connection;
    const path = c.importPath.trim();
    if (c.importing || !path) return;
    c.importing = true;
    c.importError = null;
    c.importNotice = null;
    c.importTimeout = null;
    try {
      const imported = await this.backend.importYubico(path);
      c.form = { ...imported.connection };
      c.secretStored = imported.secretStored;
      c.importNotice = imported.notice;
      c.importTimeout = imported.challengeTimeoutMinutes;
    } catch (e) {
      c.importError = toIpcError(e);
    } finally {
      c.importing = false;
    }
  }

  async signOut(forgetSecret: boolean): Promise<void> {
    const c = this.connection;
    try {
      this.onInfo(await this.backend.signOut(forgetSecret));
      c.phase = 'idle';
      c.checkLines = null;
      if (forgetSecret) c.secretStored = false;
      this.view = 'connection';
    } catch (e) {
      c.error = toIpcError(e);
    }
  }

  async check(): Promise<void> {
    const c = this.connection;
    c.checking = true;
    c.checkError = null;
    try {
      c.checkLines = await this.backend.tenantCheck(c.form.group);
    } catch (e) {
      c.checkError = toIpcError(e);
    } finally {
      c.checking = false;
    }
  }

  async loadSettings(): Promise<void> {
    try {
      this.settings.load(await this.backend.settingsLoad());
    } catch (e) {
      this.settings.error = toIpcError(e);
    }
  }

  async openSettings(): Promise<void> {
    this.view = 'settings';
    await this.loadSettings();
  }

  async saveSettings(): Promise<void> {
    const s = this.settings;
    if (!s.draft) return;
    s.error = null;
    s.justSaved = false;
    try {
      await this.backend.settingsSave({ ...s.draft });
      s.saved = { ...s.draft };
      s.justSaved = true;
    } catch (e) {
      s.error = toIpcError(e);
    }
  }
}
