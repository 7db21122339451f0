/**
 * Normalises whatever a backend call rejected with into an `IpcError` the UI can show.
 * The Tauri backend rejects with a serialised `IpcError`; anything else (a thrown string,
 * a JS `Error`) becomes an `internal` error carrying its text.
 */
import type { ErrorKind } from '../bindings/ErrorKind';
import { ERROR_KINDS } from '../bindings/errorKinds';
import type { IpcError } from '../bindings/IpcError';

export function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.kind === 'string' &&
    (ERROR_KINDS as readonly string[]).includes(v.kind) &&
    typeof v.message === 'string'
  );
}

export function toIpcError(value: unknown): IpcError {
  if (isIpcError(value)) {
    return {
      kind: value.kind,
      message: value.message,
      remediation: typeof value.remediation === 'string' ? value.remediation : '',
      requestId: typeof value.requestId === 'string' ? value.requestId : null,
    };
  }
  const message =
    value instanceof Error
      ? value.message
      : typeof value === 'string'
        ? value
        : 'Unexpected error.';
  return {
    kind: 'internal',
    message,
    remediation: 'Try again. If it keeps happening, restart KeyDesk and report it.',
    requestId: null,
  };
}

/**
 * A short heading per error kind, shown above the backend's message. Kinds that the screens
 * do not tell apart yet share the heading of the broader kind they came under before.
 */
export function errorTitle(kind: ErrorKind): string {
  switch (kind) {
    case 'signIn':
      return 'Sign-in failed';
    case 'graphForbidden':
      return 'Permission missing in Microsoft Entra';
    case 'graphThrottled':
      return 'Microsoft Graph is throttling requests';
    case 'graph':
    case 'graphUnavailable':
    case 'graphTimeout':
    case 'graphNotFound':
    case 'groupAmbiguous':
    case 'graphRejected':
    case 'graphMalformed':
    case 'invalidInput':
    case 'notInCloud':
    case 'unsupported':
    case 'secretStore':
    case 'challengeExpired':
      return 'Microsoft Graph returned an error';
    case 'network':
      return 'Network problem';
    case 'pinBlocked':
    case 'pinAuthBlocked':
      return 'The key’s PIN is blocked';
    case 'keyRemoved':
    case 'noKey':
      return 'The key was removed';
    case 'touchTimeout':
      return 'The key was not touched in time';
    case 'credentialExcluded':
      return 'This key already holds a passkey for this user';
    case 'key':
    case 'keyHasPin':
    case 'pinRetriesLow':
    case 'pinInvalid':
    case 'pinPolicy':
    case 'keyNoPermission':
    case 'keyTimeout':
    case 'cancelled':
    case 'keyFull':
    case 'keyUnsuitable':
    case 'selfTestFailed':
      return 'Security key error';
    case 'notEligible':
    case 'alreadyRegistered':
    case 'revoked':
    case 'provisioningDisabled':
    case 'policyRefusesKey':
    case 'nothingToResolve':
    case 'unknownMethod':
      return 'This user cannot be provisioned';
    case 'busy':
      return 'Another job is running';
    case 'journal':
      return 'The local journal failed';
    case 'dataFolderInUse':
      return 'Another KeyDesk is using this data folder';
    case 'needsAttention':
      return 'Entra may already hold this registration';
    case 'internal':
    case 'escrowUnavailable':
      return 'Something went wrong';
  }
}
