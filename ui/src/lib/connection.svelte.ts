/**
 * The connection screen's state: the form (tenant, cloud, sign-in mode, application id,
 * certificate file, group), a secret typed for the keyring (sent once, then cleared), what
 * an interactive sign-in asks of the operator, and the tenant check's lines.
 */
import type { CheckLine } from '../bindings/CheckLine';
import type { Connection } from '../bindings/Connection';
import type { IpcError } from '../bindings/IpcError';
import type { SignInEvent } from '../bindings/SignInEvent';
import type { SignInMode } from '../bindings/SignInMode';

export const EMPTY_CONNECTION: Connection = {
  tenant: '',
  cloud: 'global',
  mode: 'browser',
  clientId: '',
  certPath: null,
  group: '',
};

/** The modes, in the order the screen offers them, with what each means. */
export const MODES: readonly { id: SignInMode; label: string; hint: string }[] = [
  {
    id: 'browser',
    label: 'Sign in with your admin account',
    hint: 'A browser opens on Microsoft’s sign-in page. Recommended.',
  },
  {
    id: 'deviceCode',
    label: 'Device code',
    hint: 'Sign in on any device (a phone, another PC) with a code shown here.',
  },
  {
    id: 'certificate',
    label: 'Certificate (app-only)',
    hint: 'The app registration’s certificate: a PEM file, or a PFX whose password goes to the OS keyring.',
  },
  {
    id: 'clientSecret',
    label: 'Client secret (app-only)',
    hint: 'Stored in the OS keyring, never in a file.',
  },
];

export type SignInPhase = 'idle' | 'signingIn' | 'signedIn';

export class ConnectionForm {
  form = $state<Connection>({ ...EMPTY_CONNECTION });
  /** A client secret or PFX password typed now; cleared once sent. */
  secret = $state('');
  /** A secret for this connection is in the keyring already. */
  secretStored = $state(false);
  phase = $state<SignInPhase>('idle');
  demo = $state(false);
  error = $state<IpcError | null>(null);
  /** What the running interactive sign-in asks for. */
  prompt = $state<SignInEvent | null>(null);
  checkLines = $state<CheckLine[] | null>(null);
  checking = $state(false);
  checkError = $state<IpcError | null>(null);
  /** The Yubico sample's configs.json to import, as typed. */
  importPath = $state('');
  importing = $state(false);
  /** What the import says to do next (delete the file), once it went through. */
  importNotice = $state<string | null>(null);
  /** The sample's challenge timeout, to mention. */
  importTimeout = $state<number | null>(null);
  importError = $state<IpcError | null>(null);

  /** The mode needs a secret typed here (none stored yet). */
  get needsSecret(): boolean {
    return this.form.mode === 'clientSecret' && !this.secretStored && !this.secret;
  }

  /** What is missing before signing in, as a sentence; null when the form is complete. */
  get missing(): string | null {
    if (!this.form.tenant.trim()) return 'Enter the tenant (domain or id).';
    if (!this.form.clientId.trim()) return 'Enter the application (client) id.';
    if (!this.form.group.trim()) return 'Enter the group whose users to provision.';
    if (this.form.mode === 'certificate' && !this.form.certPath?.trim()) {
      return 'Enter the certificate file’s path.';
    }
    if (this.needsSecret) return 'Enter the client secret.';
    return null;
  }

  get checkFailed(): number {
    return this.checkLines?.filter((l) => l.verdict === 'fail').length ?? 0;
  }
}
