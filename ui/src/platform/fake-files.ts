/**
 * The fake backend's users files: texts by path, read as the real backend reads a users
 * file (one UPN per line, or a CSV whose `upn`/`userPrincipalName` column or first column
 * holds it; `#` lines skipped), each UPN looked up among the fake tenant's users. Unknown
 * and repeated UPNs are named with their line and left out.
 */
import type { QueueUser } from '../bindings/QueueUser';

export interface FakeUserList {
  /** The ids of the users found, in file order. */
  ids: string[];
  /** `line N: upn: why, left out`. */
  problems: string[];
}

const UPN_COLUMNS = ['upn', '#upn', 'userprincipalname', 'user.name', '#user.name'];

export function readUserList(text: string, users: readonly QueueUser[]): FakeUserList {
  const lines = text.split(/\r?\n/).map((l) => l.split(/[,;\t]/).map((f) => f.trim()));
  const header = lines[0] ?? [];
  const named = header.findIndex((f) => UPN_COLUMNS.includes(f.toLowerCase()));
  const column = Math.max(named, 0);
  const out: FakeUserList = { ids: [], problems: [] };
  const seen = new Map<string, number>();
  lines.forEach((fields, i) => {
    const line = i + 1;
    const upn = fields[column] ?? '';
    if ((named >= 0 && i === 0) || upn === '' || upn.startsWith('#')) return;
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(upn)) {
      out.problems.push(`line ${line}: '${upn}' is not a user principal name`);
      return;
    }
    const first = seen.get(upn.toLowerCase());
    if (first !== undefined) {
      out.problems.push(`line ${line}: ${upn} is listed already on line ${first}`);
      return;
    }
    seen.set(upn.toLowerCase(), line);
    const user = users.find((u) => u.upn.toLowerCase() === upn.toLowerCase());
    if (user) out.ids.push(user.id);
    else
      out.problems.push(
        `line ${line}: ${upn}: no user has this name in the tenant (check the spelling), left out`,
      );
  });
  return out;
}
