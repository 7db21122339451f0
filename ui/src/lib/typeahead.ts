/**
 * Type-ahead for a list: letters typed within a short pause build one prefix, as in a
 * native listbox. Time comes from the caller, so it is tested without timers.
 */
export class TypeAhead {
  private prefix = '';
  private last = 0;

  constructor(private readonly pauseMs = 800) {}

  /** Adds a typed character at `now` (ms) and returns the prefix to search for. */
  type(char: string, now: number): string {
    if (now - this.last > this.pauseMs) this.prefix = '';
    this.last = now;
    // Repeating one letter cycles through the names starting with it.
    this.prefix = this.prefix === char ? char : this.prefix + char;
    return this.prefix;
  }
}
