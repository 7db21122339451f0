/**
 * The fake backend's seed: the small group the window shows by default, the models the key
 * panel plugs, and the PINs it makes (six random digits, none trivial).
 */
import type { QueueUser } from '../bindings/QueueUser';

export const MODELS = [
  { model: 'YubiKey 5 NFC', aaguid: 'fa2b99dc-9e39-4257-8f92-4a30d23c4118' },
  { model: 'YubiKey 5C NFC', aaguid: '2fc0579f-8113-47ea-b116-bb5a8db9202a' },
] as const;

export const SEED_USERS: readonly QueueUser[] = [
  {
    id: 'u-01',
    displayName: 'Adele Vance',
    upn: 'adele.vance@contoso.com',
    department: 'Finance',
    status: 'pending',
    detail: null,
  },
  {
    id: 'u-02',
    displayName: 'Alex Wilber',
    upn: 'alex.wilber@contoso.com',
    department: 'Engineering',
    status: 'registered',
    detail: 'YubiKey 5 NFC · 28800412',
  },
  {
    id: 'u-03',
    displayName: 'Diego Siciliani',
    upn: 'diego.siciliani@contoso.com',
    department: 'Sales',
    status: 'pending',
    detail: null,
  },
  {
    id: 'u-04',
    displayName: 'Grady Archie',
    upn: 'grady.archie@contoso.com',
    department: 'Ward 4',
    status: 'pending',
    detail: null,
  },
  {
    id: 'u-05',
    displayName: 'Henrietta Mueller',
    upn: 'henrietta.mueller@contoso.com',
    department: 'Finance',
    status: 'pending',
    detail: null,
  },
  {
    id: 'u-06',
    displayName: 'Isaiah Langer',
    upn: 'isaiah.langer@contoso.com',
    department: 'Marketing',
    status: 'pending',
    detail: null,
  },
  {
    id: 'u-07',
    displayName: 'Johanna Lorenz',
    upn: 'johanna.lorenz@contoso.com',
    department: 'Engineering',
    status: 'skipped',
    detail: 'Account is disabled',
  },
  { id: 'u-08', displayName: 'Lee Gu', upn: 'lee.gu@contoso.com', status: 'pending', detail: null },
  {
    id: 'u-09',
    displayName: 'Lidia Holloway',
    upn: 'lidia.holloway@contoso.com',
    department: 'Sales',
    status: 'pending',
    detail: null,
  },
  {
    id: 'u-10',
    displayName: 'Megan Bowen',
    upn: 'megan.bowen@contoso.com',
    department: 'Facilities',
    status: 'pending',
    detail: null,
  },
  {
    id: 'u-11',
    displayName: 'Nestor Wilke',
    upn: 'nestor.wilke@contoso.com',
    department: 'Finance',
    status: 'pending',
    detail: null,
  },
  {
    id: 'u-12',
    displayName: 'Pradeep Gupta',
    upn: 'pradeep.gupta@contoso.com',
    department: 'Engineering',
    status: 'pending',
    detail: null,
  },
];

/** A six-digit PIN from the platform CSPRNG, avoiding repeated and sequential digits. */
export function randomPin(): string {
  for (;;) {
    const bytes = new Uint32Array(6);
    crypto.getRandomValues(bytes);
    const pin = Array.from(bytes, (b) => String(b % 10)).join('');
    if (!isTrivialPin(pin)) return pin;
  }
}

function isTrivialPin(pin: string): boolean {
  const digits = [...pin].map(Number);
  const deltas = new Set(digits.slice(1).map((d, i) => d - (digits[i] ?? 0)));
  return deltas.size === 1 && [0, 1, -1].includes([...deltas][0] ?? 2);
}
