/**
 * Registrations over time for the batch strip's small chart: the batch's span cut into
 * equal intervals of at least a minute, with how many registrations fell in each. Pure:
 * the clock comes in as an argument.
 */

/** One interval of the chart. */
export interface Bin {
  /** Start and end (ms). */
  from: number;
  to: number;
  /** Registrations in [from, to). */
  count: number;
}

const MINUTE = 60_000;

/** `times` (ms) counted in `count` equal intervals from `start` to `now` (at least 1 min each). */
export function bins(times: readonly number[], start: number, now: number, count = 12): Bin[] {
  const width = Math.max(MINUTE, Math.ceil((now - start) / count / MINUTE) * MINUTE);
  const out: Bin[] = Array.from({ length: count }, (_, i) => ({
    from: start + i * width,
    to: start + (i + 1) * width,
    count: 0,
  }));
  for (const t of times) {
    const i = Math.floor((t - start) / width);
    const bin = out[i];
    if (bin) bin.count += 1;
  }
  // Only the intervals up to now: a batch of five minutes draws five bars, not twelve.
  const used = Math.max(1, Math.ceil((now - start) / width));
  return out.slice(0, Math.min(count, used));
}
