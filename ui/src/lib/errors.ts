/**
 * Normalises whatever a backend call rejected with into an `IpcError` the UI can show.
 * The Tauri backend rejects with a serialised `IpcError`; anything else (a thrown string,
 * a JS `Error`) becomes an `internal` error carrying its text.
 */
import type { ErrorKind } from '../bindings/ErrorKind';
import { ERROR_KINDS } from '../bindings/errorKinds';
import type { IpcError } from '../bindings/IpcError';
import type { Step } from '../bindings/Step';

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
      ...(typeof value.pinRetries === 'number' ? { pinRetries: value.pinRetries } : {}),
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
 * What happened, as one plain sentence per error kind; the backend's own message (which
 * may quote a status code) goes to the details line under it.
 */
export function errorTitle(kind: ErrorKind): string {
  switch (kind) {
    case 'signIn':
      return 'Signing in to Microsoft Entra failed.';
    case 'graphForbidden':
      return 'KeyDesk lacks a permission in Microsoft Entra.';
    case 'graphThrottled':
      return 'Microsoft Graph asked KeyDesk to slow down.';
    case 'graphUnavailable':
    case 'graphTimeout':
      return 'Microsoft Graph did not answer in time.';
    case 'graphNotFound':
      return 'Microsoft Graph could not find what KeyDesk asked for.';
    case 'groupAmbiguous':
      return 'More than one group has this name.';
    case 'graph':
    case 'graphRejected':
    case 'graphMalformed':
    case 'invalidInput':
    case 'unsupported':
      return 'Microsoft Graph refused the request.';
    case 'notInCloud':
      return 'This Microsoft cloud does not offer passkey provisioning.';
    case 'secretStore':
      return 'The system keyring could not be used.';
    case 'challengeExpired':
      return 'The registration challenge expired before the key was touched.';
    case 'network':
      return 'KeyDesk could not reach the network.';
    case 'pinBlocked':
    case 'pinAuthBlocked':
      return 'The key’s PIN is blocked.';
    case 'keyRemoved':
    case 'noKey':
      return 'The key was removed.';
    case 'touchTimeout':
    case 'keyTimeout':
      return 'The key was not touched in time.';
    case 'cancelled':
      return 'Provisioning was cancelled.';
    case 'credentialExcluded':
      return 'This key already holds a passkey for this user.';
    case 'keyHasPin':
      return 'This key already has a PIN.';
    case 'pinRetriesLow':
      return 'This key has few PIN attempts left.';
    case 'pinInvalid':
    case 'pinPolicy':
      return 'The key refused the PIN.';
    case 'keyNoPermission':
      return 'KeyDesk is not allowed to open this key.';
    case 'keyFull':
      return 'This key has no room for another passkey.';
    case 'keyUnsuitable':
      return 'This key cannot be used for this user.';
    case 'selfTestFailed':
      return 'The new passkey failed its self-test.';
    case 'pinUnknown':
      return 'This key’s PIN is not known: reset the key.';
    case 'key':
      return 'The security key reported an error.';
    case 'notEligible':
    case 'alreadyRegistered':
    case 'revoked':
    case 'provisioningDisabled':
    case 'nothingToResolve':
      return 'This user cannot be provisioned.';
    case 'unknownMethod':
      return 'The user has no such passkey: it may have been deleted already.';
    case 'policyRefusesKey':
      return 'The tenant’s FIDO2 policy refuses this key model: nothing was written to the key.';
    case 'roleHolder':
      return 'This user holds an administrator role: confirm it by name first.';
    case 'ambiguousMatch':
      return 'More than one key matches: name one of them.';
    case 'passActive':
      return 'This user already holds a Temporary Access Pass.';
    case 'auditFailed':
      return 'The audit log could not be written: provisioning stopped.';
    case 'busy':
      return 'Another user is being provisioned.';
    case 'atAnotherDesk':
      return 'Another desk is working this user.';
    case 'journal':
      return 'The local journal could not be written.';
    case 'dataFolderInUse':
      return 'Another KeyDesk is using this data folder.';
    case 'needsAttention':
      return 'Microsoft Entra may already hold this registration.';
    case 'escrowUnavailable':
      return 'This PIN is no longer kept on this station.';
    case 'locked':
      return 'KeyDesk is locked.';
    case 'passphrase':
      return 'The station passphrase was not accepted.';
    case 'internal':
      return 'Something went wrong.';
  }
}

/**
 * What state the key is left in, when the step it failed at says more than the error:
 * a key pulled or left untouched after its PIN was set still has that PIN, kept sealed.
 */
export function keyStateAdvice(kind: ErrorKind, step: Step | null): string | null {
  const afterPin = step === 'touchKey' || step === 'registering';
  if (!afterPin) return null;
  if (kind === 'keyRemoved' || kind === 'noKey' || kind === 'touchTimeout') {
    return 'The key may already have its new PIN; that PIN is kept sealed on this station. Plug the same key back in and select Try again, or reset the key before giving it to someone else.';
  }
  return null;
}
