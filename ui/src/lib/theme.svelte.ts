/**
 * The window's theme: follow the OS (`system`), or always light or dark. The choice is a
 * per-station preference kept in localStorage (it is not a desk setting and holds nothing
 * sensitive) and applied as `data-theme` on the root element, which app.css reads.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';

export const THEMES: readonly ThemeChoice[] = ['system', 'light', 'dark'];
const KEY = 'keydesk.theme';

function stored(): ThemeChoice {
  try {
    const value = globalThis.localStorage?.getItem(KEY);
    return THEMES.includes(value as ThemeChoice) ? (value as ThemeChoice) : 'system';
  } catch {
    return 'system';
  }
}

function apply(choice: ThemeChoice): void {
  if (typeof document === 'undefined') return;
  if (choice === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
}

export class Theme {
  choice = $state<ThemeChoice>(stored());

  constructor() {
    apply(this.choice);
  }

  set(choice: ThemeChoice): void {
    this.choice = choice;
    apply(choice);
    try {
      globalThis.localStorage?.setItem(KEY, choice);
    } catch {
      // Storage refused (private mode): the choice lasts for this window only.
    }
  }
}

/** One per window; created on first use. */
let theme: Theme | null = null;
export function useTheme(): Theme {
  theme ??= new Theme();
  return theme;
}
