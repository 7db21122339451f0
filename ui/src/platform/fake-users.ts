/**
 * A large simulated group for the fake backend: `manyUsers(10_000)` gives deterministic
 * users (names, UPNs, a realistic mix of statuses) so the queue can be measured and tested
 * at the size of an onboarding event. Browser: `?users=10000`.
 */
import type { QueueUser } from '../bindings/QueueUser';
import type { UserStatus } from '../bindings/UserStatus';

const FIRST = [
  'Adele',
  'Alex',
  'Diego',
  'Grady',
  'Henrietta',
  'Isaiah',
  'Johanna',
  'Lee',
  'Lidia',
  'Megan',
  'Nestor',
  'Pradeep',
  'Miriam',
  'Patti',
  'Lynne',
  'Joni',
  'Irvin',
  'Christie',
  'Enrico',
  'Ben',
  'Allan',
  'Debra',
  'Emily',
  'Gerhart',
  'Raul',
  'Sofia',
  'Yuki',
  'Zoë',
];
const LAST = [
  'Vance',
  'Wilber',
  'Siciliani',
  'Archie',
  'Mueller',
  'Langer',
  'Lorenz',
  'Gu',
  'Holloway',
  'Bowen',
  'Wilke',
  'Gupta',
  'Graham',
  'Fernandez',
  'Robbins',
  'Sherman',
  'Sink',
  'Cline',
  'Cattaneo',
  'Walters',
  'Deyoung',
  'Berg',
  'Braun',
  'Moller',
  'Razzi',
  'Okafor',
  'Tanaka',
];

const DEPARTMENTS = ['Finance', 'Engineering', 'Ward 4', 'Sales', 'Marketing', 'Facilities'];

/** Mostly pending, with some of every other status, spread through the queue. */
function statusFor(i: number): { status: UserStatus; detail: string | null } {
  const r = (i * 7919) % 100;
  if (r < 60) return { status: 'pending', detail: null };
  if (r < 80) return { status: 'registered', detail: `YubiKey 5 NFC · ${28_800_000 + i}` };
  if (r < 86) return { status: 'skipped', detail: 'Account is disabled' };
  if (r < 88) return { status: 'revoked', detail: 'key reported lost' };
  if (r < 96) return { status: 'failed', detail: 'Microsoft Graph throttled the request' };
  return { status: 'needsAttention', detail: 'Registration outcome unknown' };
}

export function manyUsers(n: number): QueueUser[] {
  const users: QueueUser[] = [];
  for (let i = 0; i < n; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
    const seq = String(i + 1).padStart(5, '0');
    users.push({
      id: `m-${seq}`,
      displayName: `${first} ${last} ${seq}`,
      upn: `${first}.${last}.${seq}@contoso.com`.toLowerCase(),
      department: DEPARTMENTS[Math.floor(i / 5) % DEPARTMENTS.length]!,
      ...statusFor(i),
    });
  }
  return users;
}
