/**
 * The settings screen's state: the settings as loaded, the edited copy, and the save
 * outcome. Every engine setting a desk keeps has a one-line explanation in `SETTINGS`.
 */
import type { DeskSettings } from '../bindings/DeskSettings';
import type { IpcError } from '../bindings/IpcError';

export type SettingKind =
  'number' | 'optionalNumber' | 'text' | 'optionalText' | 'toggle' | 'choice';

export interface SettingInfo {
  key: keyof DeskSettings;
  label: string;
  /** One line: what it does. */
  hint: string;
  kind: SettingKind;
  /** For `choice`: the values and their labels. */
  choices?: readonly { value: string; label: string }[];
  min?: number;
  max?: number;
}

export interface SettingGroup {
  title: string;
  settings: readonly SettingInfo[];
}

export const SETTINGS: readonly SettingGroup[] = [
  {
    title: 'PIN',
    settings: [
      {
        key: 'pinLength',
        label: 'PIN length',
        hint: 'Digits in each random PIN KeyDesk sets (4 to 63).',
        kind: 'number',
        min: 4,
        max: 63,
      },
      {
        key: 'keyWithPin',
        label: 'A key that already has a PIN',
        hint: 'Refuse it (plug a fresh key) or skip the user for now.',
        kind: 'choice',
        choices: [
          { value: 'refuse', label: 'Refuse the key' },
          { value: 'skip', label: 'Skip the user' },
        ],
      },
      {
        key: 'minPinLength',
        label: 'Minimum PIN length on the key (CTAP 2.1)',
        hint: 'Keys that support it refuse shorter PINs afterwards; empty: leave the key’s own.',
        kind: 'optionalNumber',
        min: 4,
        max: 63,
      },
      {
        key: 'forceChangePin',
        label: 'Force a PIN change at first use (CTAP 2.1)',
        hint: 'The user must choose their own PIN before the key signs in.',
        kind: 'toggle',
      },
    ],
  },
  {
    title: 'Registration',
    settings: [
      {
        key: 'displayName',
        label: 'Passkey name in Entra',
        hint: '{model}, {serial}, {upn} and {date} are filled in; cut to 30 characters.',
        kind: 'text',
      },
      {
        key: 'deleteExistingPasskeys',
        label: 'Delete the user’s existing passkeys once the new one is registered',
        hint: 'The default for each job: the user panel shows the user’s passkeys and can keep them for one job. Off: they are kept.',
        kind: 'toggle',
      },
      {
        key: 'deleteKeyCredentials',
        label: 'Delete Microsoft credentials found on a used key',
        hint: 'Off: they are reported as warnings and left on the key.',
        kind: 'toggle',
      },
      {
        key: 'selfTest',
        label: 'Self-test after registering',
        hint: 'Sign in once with the new passkey (one more touch) to prove it works.',
        kind: 'toggle',
      },
      {
        key: 'allowUnverifiedAttestation',
        label: 'Allow key models KeyDesk cannot vouch for',
        hint: 'When the tenant enforces attestation, go ahead with an unknown model instead of refusing it.',
        kind: 'toggle',
      },
    ],
  },
  {
    title: 'Tenant policy and groups',
    settings: [
      {
        key: 'checkPolicy',
        label: 'Check the FIDO2 policy before writing to a key',
        hint: 'Refuses a key the policy would refuse, before its PIN is set.',
        kind: 'toggle',
      },
      {
        key: 'strictPolicy',
        label: 'Stop when the policy cannot be read',
        hint: 'Off: a warning once, and only the key’s own checks.',
        kind: 'toggle',
      },
      {
        key: 'provisionedGroup',
        label: 'Add registered users to this group',
        hint: 'Group id or exact name; empty: no move.',
        kind: 'optionalText',
      },
      {
        key: 'removeFromQueueGroup',
        label: 'Then remove them from this group',
        hint: 'Usually the queue group; only direct members can be removed.',
        kind: 'optionalText',
      },
    ],
  },
  {
    title: 'Microsoft Graph',
    settings: [
      {
        key: 'apiVersion',
        label: 'API version',
        hint: 'v1.0, or beta (needed for a custom challenge timeout). Applies at the next sign-in.',
        kind: 'choice',
        choices: [
          { value: 'v1.0', label: 'v1.0' },
          { value: 'beta', label: 'beta' },
        ],
      },
      {
        key: 'challengeTimeoutMinutes',
        label: 'Challenge timeout (minutes)',
        hint: 'How long a registration challenge stays valid (5 to 43200); empty: Entra’s default.',
        kind: 'optionalNumber',
        min: 5,
        max: 43200,
      },
      {
        key: 'concurrency',
        label: 'Graph calls at once',
        hint: 'More is faster for big groups; fewer avoids throttling. Applies at the next sign-in.',
        kind: 'number',
        min: 1,
        max: 32,
      },
    ],
  },
  {
    title: 'Letters',
    settings: [
      {
        key: 'letterTemplate',
        label: 'Letter template file',
        hint: 'Full path of a TOML (or .json) file with the organisation name, logo and letter text, used by every PIN and pass letter; empty: the built-in letter. Checked when saved.',
        kind: 'optionalText',
      },
    ],
  },
  {
    title: 'Station',
    settings: [
      {
        key: 'idleLockMinutes',
        label: 'Lock after idle minutes',
        hint: 'Hides PINs and the queue behind a lock screen; 0: never.',
        kind: 'number',
        min: 0,
        max: 240,
      },
    ],
  },
  {
    title: 'Several desks',
    settings: [
      {
        key: 'store',
        label: 'Shared store',
        hint: 'postgres://user@host/database, joined at the next start (--store wins). The password comes from PGPASSWORD or the OS keyring, never from this address. Empty: this desk’s own SQLite file.',
        kind: 'optionalText',
      },
      {
        key: 'deskName',
        label: 'This desk’s name',
        hint: 'How the other desks see it (“at desk-2”); empty: the computer’s name.',
        kind: 'optionalText',
      },
    ],
  },
];

export class SettingsForm {
  saved = $state<DeskSettings | null>(null);
  draft = $state<DeskSettings | null>(null);
  error = $state<IpcError | null>(null);
  /** The last save went through. */
  justSaved = $state(false);

  readonly dirty = $derived(JSON.stringify(this.saved) !== JSON.stringify(this.draft));

  load(settings: DeskSettings): void {
    this.saved = { ...settings };
    this.draft = { ...settings };
    this.error = null;
    this.justSaved = false;
  }
}
