/**
 * What leaves the desk from the window, all rendered by the backend's PDF letter renderer:
 * - the letters viewer: the PIN letters PDF of some users on screen in WebKit's PDF viewer,
 *   whose own printer button prints it through the OS dialog (the window cannot print an
 *   embedded PDF itself: it would print a picture of the viewer);
 * - saving: PIN letters, key labels, Temporary Access Pass letters or a report written to a
 *   file the operator names.
 * A PIN is wiped only when the operator confirms the letters printed or saved. The PDF
 * lives in a blob URL only while the viewer is open; a pass never reaches the window.
 */
import type { IpcError } from '../bindings/IpcError';
import type { ReportFormat } from '../bindings/ReportFormat';
import type { SavedFile } from '../bindings/SavedFile';
import type { SummaryFormat } from '../bindings/SummaryFormat';
import type { Backend } from '../platform/backend';
import { toIpcError } from './errors';

/** What a save writes. */
export type SaveKind = 'letters' | 'labels' | 'tap' | 'report' | 'summary';

/** A report's format, or a batch summary's (`csv` or `json`). */
export type SaveFormat = ReportFormat | SummaryFormat;

/** `choosing` a file → `saving` → `saved` → (PIN letters only) `confirmed`. */
export type SaveStage = 'choosing' | 'saving' | 'saved' | 'confirmed';

/** The save on screen. */
export interface SaveForm {
  kind: SaveKind;
  /** Users by id or UPN (PIN letters and labels: none means every letter waiting). */
  userIds: string[];
  path: string;
  stage: SaveStage;
  /** TAP letters: lifetime in minutes (empty: the policy's default). */
  lifetimeMinutes: number | null;
  oneTime: boolean;
  /** TAP letters: replace a pass the user already holds (asked of the user first). */
  replace: boolean;
  format: SaveFormat;
  result: SavedFile | null;
  error: IpcError | null;
}

/** The letters PDF on screen. */
export interface Viewer {
  title: string;
  url: string;
  userIds: string[];
  error: IpcError | null;
}

/** How a PDF becomes something an iframe shows, and is forgotten (a seam for tests). */
export interface BlobUrls {
  create(pdf: ArrayBuffer): string;
  revoke(url: string): void;
}

const browserUrls: BlobUrls = {
  create: (pdf) => URL.createObjectURL(new Blob([pdf], { type: 'application/pdf' })),
  revoke: (url) => URL.revokeObjectURL(url),
};

const NAMES: Record<SaveKind, string> = {
  letters: 'pin-letters',
  labels: 'key-labels',
  tap: 'tap-letters',
  report: 'report',
  summary: 'batch-summary',
};

/** `pin-letters-20261129-1442.pdf`: a new name each minute, so a save never meets an old file. */
export function defaultName(kind: SaveKind, format: SaveFormat, at: number): string {
  // A value read once, never mutated: no reactivity needed.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  const now = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}`;
  if (kind === 'summary') return `${NAMES[kind]}-${stamp}.${format === 'json' ? 'json' : 'csv'}`;
  if (kind === 'report')
    return format === 'yubico' ? `keysRegistered-${stamp}.csv` : `report-${stamp}.csv`;
  return `${NAMES[kind]}-${stamp}.pdf`;
}

export class Paper {
  /** Where saves go unless the operator says otherwise (the data folder's parent). */
  folder = $state('');
  viewer = $state<Viewer | null>(null);
  save = $state<SaveForm | null>(null);
  /** Loading the viewer failed. */
  error = $state<IpcError | null>(null);
  /** The paper menu is open. */
  menuOpen = $state(false);

  constructor(
    private readonly backend: Backend,
    /** Called after PINs were wiped (the letters list and the letter on screen change). */
    private readonly wiped: (userIds: string[]) => Promise<void>,
    private readonly urls: BlobUrls = browserUrls,
    private readonly now: () => number = Date.now,
  ) {}

  /** Show the PIN letters of `userIds` in the viewer (nothing is wiped). */
  async view(userIds: string[], title: string): Promise<void> {
    this.closeViewer();
    this.error = null;
    try {
      const pdf = await this.backend.lettersPdf(userIds);
      this.viewer = { title, url: this.urls.create(pdf), userIds, error: null };
    } catch (e) {
      this.error = toIpcError(e);
    }
  }

  /** The operator checked the printout: every letter in the viewer is wiped. */
  async confirmViewer(): Promise<void> {
    const viewer = this.viewer;
    if (!viewer) return;
    const error = await this.wipe(viewer.userIds);
    if (error) viewer.error = error;
    else this.closeViewer();
  }

  /** Close the viewer; its PDF is forgotten (the PINs stay sealed unless confirmed). */
  closeViewer(): void {
    if (this.viewer) this.urls.revoke(this.viewer.url);
    this.viewer = null;
  }

  /** Open the save form for `kind`. */
  async startSave(kind: SaveKind, userIds: string[], format: SaveFormat = 'csv'): Promise<void> {
    this.menuOpen = false;
    if (!this.folder) {
      try {
        this.folder = await this.backend.paperFolder();
      } catch {
        this.folder = '';
      }
    }
    const name = defaultName(kind, format, this.now());
    this.save = {
      kind,
      userIds,
      path: this.folder ? `${this.folder.replace(/\/+$/, '')}/${name}` : name,
      stage: 'choosing',
      lifetimeMinutes: null,
      oneTime: true,
      replace: false,
      format,
      result: null,
      error: null,
    };
  }

  /** Write the file. PIN letters then wait for *Saved*. */
  async submit(): Promise<void> {
    const form = this.save;
    if (!form || form.stage === 'saving') return;
    form.stage = 'saving';
    form.error = null;
    try {
      form.result = await this.write(form);
      form.stage = 'saved';
    } catch (e) {
      form.error = toIpcError(e);
      form.stage = 'choosing';
    }
  }

  /** *Saved*: the operator has the PIN letters file; their PINs are wiped. */
  async confirmSaved(): Promise<void> {
    const form = this.save;
    if (!form || form.kind !== 'letters' || form.stage !== 'saved' || !form.result) return;
    const error = await this.wipe(form.result.userIds);
    if (error) form.error = error;
    else form.stage = 'confirmed';
  }

  /** Close the save form. Unconfirmed PIN letters stay sealed. */
  closeSave(): void {
    this.save = null;
  }

  private write(form: SaveForm): Promise<SavedFile> {
    const b = this.backend;
    switch (form.kind) {
      case 'letters':
        return b.lettersSave(form.userIds, form.path);
      case 'labels':
        return b.labelsSave(form.userIds, form.path);
      case 'report':
        return b.reportSave(form.format === 'yubico' ? 'yubico' : 'csv', form.path);
      case 'summary':
        return b.batchSummarySave(form.format === 'json' ? 'json' : 'csv', form.path);
      case 'tap':
        return b.tapSave(
          {
            userIds: form.userIds,
            lifetimeMinutes: form.lifetimeMinutes,
            oneTime: form.oneTime,
            replace: form.replace,
          },
          form.path,
        );
    }
  }

  /** Confirms each user's letter; the first failure stops and is returned. */
  private async wipe(userIds: string[]): Promise<IpcError | null> {
    const done: string[] = [];
    let failed: IpcError | null = null;
    for (const id of userIds) {
      try {
        await this.backend.letterPrinted(id);
        done.push(id);
      } catch (e) {
        failed = toIpcError(e);
        break;
      }
    }
    await this.wiped(done);
    return failed;
  }
}
