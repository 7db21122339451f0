/**
 * The fake backend's audit log, in the export format of docs/AUDIT-EXPORT.md (JSON lines,
 * then the head line). Its `mac` chain uses FNV-1a instead of HMAC-SHA256 — it is a stand-in
 * for the window, not for the engine — but breaks the same way when an entry is edited,
 * which `tamper()` does for tests.
 */
import type { AuditRow } from '../lib/history.svelte';

/** An entry as the export writes it: what the history window reads, and its MAC. */
export interface FakeAuditEntry extends AuditRow {
  mac: string;
}

const GENESIS = '0'.repeat(64);

function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0').repeat(8);
}

function macOf(prev: string, e: FakeAuditEntry): string {
  return fnv(`${prev}\n${JSON.stringify({ ...e, mac: '' })}`);
}

export class FakeAudit {
  private readonly entries: FakeAuditEntry[] = [];

  append(operator: string, action: string, subject: string, detail: string, at?: number): void {
    const prev = this.entries.at(-1)?.mac ?? GENESIS;
    const entry: FakeAuditEntry = {
      seq: this.entries.length + 1,
      at: at ?? Math.floor(Date.now() / 1000),
      operator,
      action,
      subject,
      detail,
      mac: '',
    };
    entry.mac = macOf(prev, entry);
    this.entries.push(entry);
  }

  /** Edits an entry's detail without fixing the chain (what verification must catch). */
  tamper(seq = 1): void {
    const e = this.entries[seq - 1];
    if (e) e.detail += ' (edited)';
  }

  export(): string {
    const last = this.entries.at(-1)?.mac ?? GENESIS;
    const lines = this.entries.map((e) => JSON.stringify(e));
    const head = {
      head: {
        entries: this.entries.length,
        last_mac: last,
        mac: fnv(`head\n${this.entries.length}\n${last}`),
      },
    };
    return [...lines, JSON.stringify(head)].join('\n') + '\n';
  }

  verify(): { ok: boolean; entries: number; detail: string } {
    let prev = GENESIS;
    for (const e of this.entries) {
      if (macOf(prev, e) !== e.mac) {
        return {
          ok: false,
          entries: 0,
          detail: `entry ${e.seq}: the MAC does not match (edited or reordered)`,
        };
      }
      prev = e.mac;
    }
    return { ok: true, entries: this.entries.length, detail: prev };
  }
}
