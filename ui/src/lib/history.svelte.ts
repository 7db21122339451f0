/**
 * The history window's state: the audit log parsed from its export (docs/AUDIT-EXPORT.md),
 * searched (every word, across operator, user, action, detail, date) and filtered by action
 * and operator; the chain's verdict; the export text to save. No DOM.
 */
import type { AuditCheck } from '../bindings/AuditCheck';
import type { IpcError } from '../bindings/IpcError';
import type { Backend } from '../platform/backend';
import { toIpcError } from './errors';
import { iso, when } from './messages';

export interface AuditRow {
  seq: number;
  at: number;
  operator: string;
  action: string;
  /** The user id the entry is about. */
  subject: string;
  detail: string;
}

/** The entries of an export (the head line and anything unreadable are left out). */
export function parseExport(text: string): AuditRow[] {
  const rows: AuditRow[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line) as Partial<AuditRow> & { head?: unknown };
      if (v.head !== undefined || typeof v.seq !== 'number') continue;
      rows.push({
        seq: v.seq,
        at: Number(v.at ?? 0),
        operator: String(v.operator ?? ''),
        action: String(v.action ?? ''),
        subject: String(v.subject ?? ''),
        detail: String(v.detail ?? ''),
      });
    } catch {
      // Not an entry: an auditor's tool would report it; the window shows the rest.
    }
  }
  return rows;
}

/** The distinct values, sorted. */
function distinct(values: string[]): string[] {
  return values.sort().filter((v, i) => i === 0 || v !== values[i - 1]);
}

export class History {
  text = $state('');
  rows = $state.raw<AuditRow[]>([]);
  loading = $state(false);
  error = $state<IpcError | null>(null);
  search = $state('');
  action = $state('');
  operator = $state('');
  verdict = $state<AuditCheck | null>(null);
  verifying = $state(false);

  readonly actions = $derived(distinct(this.rows.map((r) => r.action)));
  readonly operators = $derived(distinct(this.rows.map((r) => r.operator)));

  /** Newest first, filtered; `name` turns a user id into what the queue calls them. */
  visible(name: (userId: string) => string): AuditRow[] {
    const words = this.search.toLowerCase().split(/\s+/).filter(Boolean);
    const out: AuditRow[] = [];
    for (let i = this.rows.length - 1; i >= 0; i--) {
      const r = this.rows[i]!;
      if (this.action && r.action !== this.action) continue;
      if (this.operator && r.operator !== this.operator) continue;
      if (words.length > 0) {
        const text = [
          r.operator,
          r.subject,
          name(r.subject),
          r.action,
          r.detail,
          iso(r.at),
          when(r.at),
        ]
          .join('\n')
          .toLowerCase();
        if (!words.every((w) => text.includes(w))) continue;
      }
      out.push(r);
    }
    return out;
  }

  constructor(private readonly backend: Backend) {}

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.text = await this.backend.auditExport();
      this.rows = parseExport(this.text);
      this.error = null;
    } catch (e) {
      this.error = toIpcError(e);
    } finally {
      this.loading = false;
    }
  }

  async verify(): Promise<void> {
    this.verifying = true;
    this.verdict = null;
    try {
      this.verdict = await this.backend.auditVerify();
    } catch (e) {
      this.error = toIpcError(e);
    } finally {
      this.verifying = false;
    }
  }
}
