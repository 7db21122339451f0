/**
 * The desk's pace, for the dashboard strip: when each registration of this session
 * happened, and from that the users per hour over the last 10 minutes and the time left at
 * that pace. No DOM; the clock comes in as an argument so tests can move it.
 *
 * Known issues: it counts what this window registered since it started (a batch run by
 * `keydesk-cli` beside it is not seen), and keeps no per-key counters yet.
 */

/** How far back the pace looks. */
export const WINDOW_MS = 10 * 60_000;
/** Below this much observed time a rate means little: no pace is shown yet. */
export const MIN_SPAN_MS = 60_000;
const HOUR_MS = 3_600_000;

export interface PaceFigures {
  /** Registrations in the window. */
  recent: number;
  /** Users per hour at the window's rate; null until there is enough to say. */
  perHour: number | null;
  /** Time left for `remaining` users at that rate; null without a rate. */
  leftMs: number | null;
}

/** The figures for registrations at `doneAt` (ms), `remaining` users, observed since `since`. */
export function paceFigures(
  doneAt: readonly number[],
  remaining: number,
  since: number,
  now: number,
): PaceFigures {
  const recent = doneAt.filter((t) => t > now - WINDOW_MS && t <= now).length;
  const span = Math.min(WINDOW_MS, now - since);
  if (recent === 0 || span < MIN_SPAN_MS) return { recent, perHour: null, leftMs: null };
  const perHour = (recent / span) * HOUR_MS;
  return { recent, perHour, leftMs: (remaining / perHour) * HOUR_MS };
}

export class Pace {
  /** When each registration of this session happened (ms). */
  doneAt = $state.raw<number[]>([]);

  constructor(readonly since: number) {}

  record(at: number): void {
    this.doneAt = [...this.doneAt.filter((t) => t > at - WINDOW_MS), at];
  }

  /** Whether a registration happened in the window: the strip shows only then. */
  active(now: number): boolean {
    return this.doneAt.some((t) => t > now - WINDOW_MS);
  }
}
