/**
 * The fake backend's connection and settings: a tenant that accepts any sign-in with a
 * tenant, a client id and (for app-only modes) a secret, shows a device code or "opens" a
 * browser, and answers the tenant check with canned verdict lines. Settings are kept in
 * memory and checked like the real backend checks them.
 */
import type { AppInfo } from '../bindings/AppInfo';
import type { CheckLine } from '../bindings/CheckLine';
import type { Connection } from '../bindings/Connection';
import type { ConnectionState } from '../bindings/ConnectionState';
import type { DeskSettings } from '../bindings/DeskSettings';
import type { GroupChoice } from '../bindings/GroupChoice';
import type { IpcError } from '../bindings/IpcError';
import type { NewSecret } from '../bindings/NewSecret';
import type { SignInEvent } from '../bindings/SignInEvent';
import type { YubicoImport } from '../bindings/YubicoImport';

export const DEFAULT_SETTINGS: DeskSettings = {
  pinLength: 6,
  keyWithPin: 'refuse',
  minPinLength: null,
  forceChangePin: false,
  selfTest: false,
  displayName: '{model} {serial}',
  deleteExistingPasskeys: false,
  deleteKeyCredentials: false,
  checkPolicy: true,
  strictPolicy: false,
  provisionedGroup: null,
  removeFromQueueGroup: null,
  allowUnverifiedAttestation: false,
  apiVersion: 'v1.0',
  challengeTimeoutMinutes: null,
  concurrency: 8,
  idleLockMinutes: 10,
  letterTemplate: null,
};

const CLOUD_LABEL: Record<Connection['cloud'], string> = {
  global: 'Global',
  usgov: 'US Gov (GCC High)',
  usgovDod: 'US Gov (DoD)',
  china: 'China (21Vianet)',
};

function notSignedIn(): IpcError {
  return {
    kind: 'signIn',
    message: 'KeyDesk is not signed in to a tenant.',
    remediation: 'Open Connection and sign in.',
    requestId: null,
  };
}

function invalid(message: string): IpcError {
  return {
    kind: 'invalidInput',
    message,
    remediation: 'Correct it and try again.',
    requestId: null,
  };
}

export class FakeTenant {
  connection: Connection | null;
  signedIn: boolean;
  settings: DeskSettings = { ...DEFAULT_SETTINGS };
  /** Secrets "in the keyring", by connection mode. */
  readonly keyring = new Map<string, string>();

  constructor(
    readonly demo: boolean,
    readonly info: AppInfo,
  ) {
    this.signedIn = info.signedIn;
    this.connection = info.signedIn
      ? {
          tenant: info.tenant,
          cloud: 'global',
          mode: demo ? 'clientSecret' : 'browser',
          clientId: '11111111-2222-3333-4444-555555555555',
          certPath: null,
          group: info.group,
        }
      : null;
  }

  /** The tenant's groups, for the group search (two share a name, as Entra allows). */
  readonly groups: GroupChoice[] = [
    {
      id: 'a1f0c2d4-0000-4000-8000-000000000001',
      displayName: 'Passkey rollout — Finance',
      memberCount: 8,
    },
    {
      id: 'a1f0c2d4-0000-4000-8000-000000000002',
      displayName: 'Passkey rollout — Finance',
      memberCount: 1,
    },
    {
      id: 'a1f0c2d4-0000-4000-8000-000000000003',
      displayName: 'Passkey rollout — HR',
      memberCount: 3,
    },
    { id: 'a1f0c2d4-0000-4000-8000-000000000004', displayName: 'Helpdesk', memberCount: null },
  ];

  /** Groups with a word of their name starting with `text` (Graph's `$search`). */
  searchGroups(text: string): GroupChoice[] {
    if (!this.signedIn) throw notSignedIn();
    const wanted = text.trim().toLowerCase();
    if (wanted === '') throw invalid('The search is empty.');
    return this.groups
      .filter((g) =>
        g.displayName
          .toLowerCase()
          .split(/[^\p{L}\p{N}]+/u)
          .some((word) => word !== '' && word.startsWith(wanted)),
      )
      .map((g) => ({ ...g }));
  }

  /** The queue's group becomes `group` (the demo keeps its own, as the app's does). */
  chooseGroup(group: GroupChoice): AppInfo {
    if (!this.signedIn) throw notSignedIn();
    if (this.demo) throw invalid("The demo works its simulated tenant's group.");
    this.info.group = group.displayName;
    if (this.connection) this.connection.group = group.displayName;
    return { ...this.info };
  }

  /** Files "on disk" the Yubico import can read (path → JSON text); a test puts them. */
  readonly files = new Map<string, string>();

  /** The Yubico sample's configs.json: the form's fields; the secret to the keyring. */
  importYubico(path: string): YubicoImport {
    if (this.demo)
      throw invalid('The demo is signed in to its simulated tenant: nothing to import.');
    const text = this.files.get(path);
    if (text === undefined) throw invalid(`${path} cannot be read: No such file or directory.`);
    const json = JSON.parse(text) as Record<string, unknown>;
    const given = (key: string) => {
      const value = typeof json[key] === 'string' ? (json[key] as string).trim() : '';
      return value && !value.includes('{') ? value : null;
    };
    const tenant = given('tenantName');
    const clientId = given('client_id');
    if (!tenant) throw invalid(`${path}: configs.json: tenantName is missing.`);
    if (!clientId) throw invalid(`${path}: configs.json: client_id is missing.`);
    const secret = given('client_secret');
    if (secret) this.keyring.set('clientSecret', secret);
    const timeout = json['challengeTimeoutInMinutes'];
    return {
      connection: {
        tenant,
        cloud: 'global',
        mode: 'clientSecret',
        clientId,
        certPath: null,
        group: given('usersInScopeGroup') ?? '',
      },
      secretStored: secret !== null,
      challengeTimeoutMinutes: typeof timeout === 'number' ? timeout : null,
      notice: secret
        ? `The client secret is now in the OS keyring. Delete ${path} now: it holds the secret in clear.`
        : `${path} holds no client secret: choose a certificate or a person's sign-in instead.`,
    };
  }

  /** A device-code sign-in started from the command line, waiting for its code. */
  startWaiting: SignInEvent | null = null;
  /** Why that sign-in failed, told once. */
  startFailed: IpcError | null = null;

  /** As `keydesk --auth device-code …`: the window opens with the sign-in under way. */
  startDeviceCode(connection: Connection): void {
    this.connection = { ...connection, mode: 'deviceCode' };
    this.startWaiting = {
      event: 'deviceCode',
      data: {
        userCode: 'KDSK-7310',
        verificationUri: 'https://microsoft.com/devicelogin',
        expiresInSecs: 900,
      },
    };
  }

  /** The operator entered the start-up code on another device (or it expired: `failed`). */
  finishStart(failed: IpcError | null = null): void {
    if (!this.startWaiting || !this.connection) return;
    this.startWaiting = null;
    if (failed) {
      this.startFailed = failed;
      return;
    }
    this.signedIn = true;
    Object.assign(this.info, {
      tenant: this.connection.tenant,
      group: this.connection.group,
      signedIn: true,
      operator: 'admin@' + this.connection.tenant,
      cloud: CLOUD_LABEL[this.connection.cloud],
      apiVersion: this.settings.apiVersion,
    });
  }

  state(): ConnectionState {
    const startFailed = this.startFailed;
    this.startFailed = null;
    return {
      connection: this.connection ? { ...this.connection } : null,
      signedIn: this.signedIn,
      secretStored: this.connection ? this.keyring.has(this.connection.mode) : false,
      demo: this.demo,
      startRunning: this.startWaiting !== null,
      waiting: this.startWaiting,
      startFailed,
    };
  }

  async signIn(
    connection: Connection,
    secret: NewSecret | null,
    onEvent: (event: SignInEvent) => void,
    wait: () => Promise<void>,
  ): Promise<AppInfo> {
    if (this.demo) throw invalid('The demo is signed in to its simulated tenant.');
    if (!connection.tenant.trim()) throw invalid('Enter the tenant.');
    if (!connection.clientId.trim()) throw invalid('Enter the application (client) id.');
    this.connection = { ...connection };
    if (secret) this.keyring.set(connection.mode, secret.value);
    switch (connection.mode) {
      case 'clientSecret':
        if (!this.keyring.has('clientSecret')) throw invalid('Enter the client secret.');
        break;
      case 'certificate':
        if (!connection.certPath?.trim()) throw invalid('Choose the certificate file.');
        break;
      case 'deviceCode':
        onEvent({
          event: 'deviceCode',
          data: {
            userCode: 'KDSK-4821',
            verificationUri: 'https://microsoft.com/devicelogin',
            expiresInSecs: 900,
          },
        });
        break;
      case 'browser':
        onEvent({
          event: 'browserOpened',
          data: {
            url: `https://login.microsoftonline.com/${connection.tenant}/oauth2/v2.0/authorize`,
          },
        });
        break;
    }
    await wait();
    this.signedIn = true;
    Object.assign(this.info, {
      tenant: connection.tenant,
      group: connection.group,
      signedIn: true,
      operator:
        connection.mode === 'browser' || connection.mode === 'deviceCode'
          ? 'admin@' + connection.tenant
          : 'app ' + connection.clientId,
      cloud: CLOUD_LABEL[connection.cloud],
      apiVersion: this.settings.apiVersion,
    });
    return { ...this.info };
  }

  signOut(forgetSecret: boolean): AppInfo {
    if (this.demo) throw invalid('The demo is signed in to its simulated tenant.');
    this.signedIn = false;
    if (forgetSecret && this.connection) this.keyring.delete(this.connection.mode);
    Object.assign(this.info, { signedIn: false, operator: null });
    return { ...this.info };
  }

  check(group: string): CheckLine[] {
    if (!this.signedIn) throw { ...invalid('Sign in first.'), kind: 'signIn' } satisfies IpcError;
    return [
      { verdict: 'info', text: 'network: no proxy (direct connection)', fix: null },
      {
        verdict: 'ok',
        text: 'token obtained (a hint only, each call below is the verdict)',
        fix: null,
      },
      { verdict: 'ok', text: `group "${group}" found`, fix: null },
      {
        verdict: 'fail',
        text: 'FIDO2 policy not readable (403)',
        fix: 'the technician who signs in needs the role Authentication Policy Administrator',
      },
      {
        verdict: 'skipped',
        text: 'FIDO2 policy settings: not checked (policy unreadable)',
        fix: null,
      },
    ];
  }

  saveSettings(settings: DeskSettings): void {
    if (settings.pinLength < 4 || settings.pinLength > 63) {
      throw invalid('The PIN length must be 4 to 63 digits.');
    }
    if (!settings.displayName.trim()) throw invalid('The passkey name template is empty.');
    this.settings = { ...settings };
  }
}
