/**
 * The fake backend's paper: PIN letters "rendered" from its escrow as a small PDF stub,
 * saves kept in memory (path → what was asked), a file that exists refused like the real
 * backend refuses it. Nothing is wiped here: `letterPrinted` does that.
 */
import type { IpcError } from '../bindings/IpcError';
import type { Registered } from '../bindings/Registered';
import type { ReportFormat } from '../bindings/ReportFormat';
import type { SavedFile } from '../bindings/SavedFile';
import type { SummaryFormat } from '../bindings/SummaryFormat';
import type { TapRequest } from '../bindings/TapRequest';

export const FAKE_FOLDER = '/home/operator/.local/share';

/** One file the fake wrote. */
export interface FakeFile {
  path: string;
  kind: 'letters' | 'labels' | 'tap' | 'report' | 'summary';
  /** A batch summary's format. */
  format?: SummaryFormat;
  userIds: string[];
}

function fail(message: string): IpcError {
  return {
    kind: 'invalidInput',
    message,
    remediation: 'Choose another file name, outside KeyDesk’s data folder.',
    requestId: null,
  };
}

export class FakePaper {
  readonly files: FakeFile[] = [];

  constructor(private readonly escrow: Map<string, Registered>) {}

  folder(): Promise<string> {
    return Promise.resolve(FAKE_FOLDER);
  }

  /** The letters waiting among `userIds` (none: all), or the error the backend gives. */
  private letters(userIds: string[]): string[] {
    const ids = userIds.length
      ? userIds.filter((id) => this.escrow.has(id))
      : [...this.escrow.keys()];
    if (ids.length === 0) {
      throw {
        kind: 'escrowUnavailable',
        message: 'No PIN is waiting for a letter for the users asked for.',
        remediation:
          'A letter confirmed printed or saved is not kept: use Replace key for a new PIN.',
        requestId: null,
      } satisfies IpcError;
    }
    return ids;
  }

  async pdf(userIds: string[]): Promise<ArrayBuffer> {
    const ids = this.letters(userIds);
    return new TextEncoder().encode(`%PDF-1.7 fake: ${ids.length} letter(s)`).buffer;
  }

  async save(kind: FakeFile['kind'], userIds: string[], path: string): Promise<SavedFile> {
    if (!path.trim()) throw fail('No file name was given.');
    if (this.files.some((f) => f.path === path)) throw fail(`${path} already exists.`);
    const ids = kind === 'letters' ? this.letters(userIds) : userIds;
    this.files.push({ path, kind, userIds: ids });
    return { path, userIds: ids, skipped: userIds.filter((id) => !ids.includes(id)) };
  }

  tap(request: TapRequest, path: string): Promise<SavedFile> {
    return this.save('tap', request.userIds, path);
  }

  report(_format: ReportFormat, path: string): Promise<SavedFile> {
    return this.save('report', [], path);
  }

  async summary(format: SummaryFormat, path: string): Promise<SavedFile> {
    const saved = await this.save('summary', [], path);
    this.files[this.files.length - 1]!.format = format;
    return saved;
  }
}
