/**
 * Chooses the backend: Tauri IPC inside the app, the in-memory simulator in a plain browser.
 * Both are loaded lazily so the simulator stays out of the Tauri code path.
 *
 * In a browser, two query parameters stage the simulator for screenshots of error states:
 * `?queueError=1` (the first queue load fails) and `?failUser=<id>` (Graph throttles that
 * user's registration). `?users=10000` serves that many generated users instead of the
 * small seeded group (the performance harness and the queue-at-scale e2e use it);
 * `?auditTampered=1` edits the first audit entry so *Verify chain* fails. `?signedOut=1`
 * opens on the connection screen of a desk that is not a demo, with a Yubico sample's
 * configs.json at `/home/operator/FIDO2-Bulk/configs.json` to import.
 */
import type { Backend } from './backend';

export type { Backend } from './backend';

export async function pickBackend(): Promise<Backend> {
  if (typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window) {
    const { tauriBackend } = await import('./tauri');
    return tauriBackend;
  }
  const { FakeBackend } = await import('./fake');
  const params = new URLSearchParams(window.location.search);
  const failUser = params.get('failUser');
  const many = Number(params.get('users'));
  const tamper = params.has('auditTampered');
  const signedOut = params.has('signedOut');
  const users =
    many > 0 ? (await import('./fake-users')).manyUsers(Math.min(many, 100_000)) : undefined;
  const backend = new FakeBackend({
    ...(users ? { users } : {}),
    demo: !signedOut && !params.has('appOnly') && !params.has('delegated'),
    signedIn: !signedOut,
    stepDelayMs: 700,
    queueFailures: params.has('queueError') ? 1 : 0,
    failures: failUser
      ? {
          [failUser]: {
            kind: 'graphThrottled',
            message: 'Microsoft Graph throttled the registration request (HTTP 429).',
            remediation: 'Wait a minute, then select Try again. The key can stay plugged in.',
            requestId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
          },
        }
      : {},
  });
  if (tamper) backend.audit.tamper();
  // A station outside the demo: the idle lock asks for the station passphrase (app-only)
  // or the operator's sign-in again (delegated).
  if (params.has('appOnly') && backend.tenant.connection) {
    backend.tenant.connection.mode = 'clientSecret';
  }
  if (params.has('delegated') && backend.tenant.connection) {
    backend.tenant.connection.mode = 'browser';
  }
  if (signedOut) {
    backend.tenant.files.set(
      '/home/operator/FIDO2-Bulk/configs.json',
      JSON.stringify({
        tenantName: 'contoso.onmicrosoft.com',
        client_id: '3f1c9a52-7d4e-4b8a-9c61-2e5f0a7b8d90',
        client_secret: 'sample~secret~value',
        usersInScopeGroup: 'FIDO Provisioning',
        challengeTimeoutInMinutes: 60,
      }),
    );
  }
  return backend;
}
