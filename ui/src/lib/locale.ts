/**
 * The OS locale as a BCP 47 tag `Intl` accepts, or `undefined` (the runtime's default).
 *
 * WebKitGTK reports the POSIX locale as it is: under `LANG=C` or `C.UTF-8` (a server, a CI
 * runner, Xvfb) `navigator.language` is `"C"`, and `new Intl.NumberFormat("C")` throws a
 * RangeError. A formatter built at module load with that tag stopped the UI's entry module
 * and left the real app's window blank, so every tag is checked here first.
 */

/** `languages` in order of preference, the first `Intl` accepts, in BCP 47 form. */
export function pickLocale(languages: readonly string[]): string | undefined {
  for (const raw of languages) {
    // A POSIX form (`de_DE.UTF-8@euro`) becomes `de-DE`; `C` and `POSIX` name no language.
    const tag = raw.split(/[.@]/)[0]!.replaceAll('_', '-');
    if (!tag || tag === 'C' || tag === 'POSIX') continue;
    try {
      const [canonical] = Intl.getCanonicalLocales(tag);
      if (canonical) return canonical;
    } catch {
      // not a language tag: try the next one
    }
  }
  return undefined;
}

/** The OS (browser) locale for every `Intl` formatter of the UI. */
export function osLocale(): string | undefined {
  if (typeof navigator === 'undefined') return undefined;
  const languages = navigator.languages?.length ? navigator.languages : [navigator.language];
  return pickLocale(languages);
}
