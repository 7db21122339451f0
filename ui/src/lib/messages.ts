/**
 * The message catalogue: every string the queue, its filters and bulk actions show, in one
 * place so a translation replaces this object. English is complete. Numbers and dates are
 * formatted with `Intl` in the OS (browser) locale, never by hand.
 *
 * Not every older component reads from here yet (see docs/ARCHITECTURE.md).
 */
import type { UserStatus } from '../bindings/UserStatus';
import { osLocale } from './locale';

const locale = osLocale();
const numberFormat = new Intl.NumberFormat(locale);

/** A count in the OS locale (10,000 / 10 000 / 10.000). */
export function num(n: number): string {
  return numberFormat.format(n);
}

const plural = new Intl.PluralRules(locale);
const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });

/** A moment (Unix seconds) in the OS locale. */
export function when(at: number): string {
  return dateTime.format(new Date(at * 1000));
}

const dayFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });

/** A date Graph wrote (RFC 3339) as a day in the OS locale; the text itself if unreadable. */
export function day(rfc3339: string): string {
  const at = new Date(rfc3339);
  return Number.isNaN(at.getTime()) ? rfc3339 : dayFormat.format(at);
}

const timeOfDay = new Intl.DateTimeFormat(locale, { timeStyle: 'short' });

/** A time of day (ms) in the OS locale. */
export function clock(ms: number): string {
  return timeOfDay.format(new Date(ms));
}

/** A moment (Unix seconds) as an ISO 8601 UTC timestamp, for `<time datetime>` and search. */
export function iso(at: number): string {
  return new Date(at * 1000).toISOString();
}

function users(n: number): string {
  return plural.select(n) === 'one' ? `${num(n)} user` : `${num(n)} users`;
}

/** A duration as the strip says it: `8 min`, `2 h 5 min`. */
function duration(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 60) return `${num(minutes)} min`;
  return `${num(Math.floor(minutes / 60))} h ${num(minutes % 60)} min`;
}

export const msg = {
  pace: {
    label: 'Progress of this session',
    done: (n: number) => `${num(n)} registered`,
    remaining: (n: number) => `${num(n)} remaining`,
    perHour: (n: number) => `${num(Math.round(n))} users/hour (last 10 min)`,
    warming: 'pace after the first minute',
    left: (ms: number) => `about ${duration(ms)} left`,
  },
  batch: {
    keysLabel: 'Registrations and failures per key model in this batch',
    key: (registered: number, failed: number) =>
      failed > 0
        ? `${num(registered)} registered, ${num(failed)} failed`
        : `${num(registered)} registered`,
    chartLabel: 'Registrations over time in this batch',
    chartText: (bins: { from: number; count: number }[]) =>
      bins.length === 0
        ? 'No registrations yet.'
        : bins.map((b) => `${clock(b.from)}: ${num(b.count)}`).join('; '),
    summaryTitle: (stopped: boolean) => (stopped ? 'Batch stopped' : 'Batch done'),
    summaryTimes: (start: number, end: number, secs: number) =>
      `${when(start)} to ${clock(end * 1000)} (${secs < 60 ? `${num(secs)} s` : duration(secs * 1000)})`,
    summaryCounts: (registered: number, failed: number, skipped: number) =>
      `${num(registered)} registered, ${num(failed)} failed, ${num(skipped)} skipped`,
    summaryPace: (perHour: number | null) =>
      perHour === null ? 'under a minute: no pace' : `${num(Math.round(perHour))} users/hour`,
    reasonsLabel: 'Why users failed or were skipped',
    reason: (reason: string, users: number) => `${reason} (${num(users)})`,
    exportCsv: 'Save summary (CSV)',
    exportJson: 'Save summary (JSON)',
  },
  status: {
    pending: 'Pending',
    inProgress: 'In progress',
    registered: 'Registered',
    failed: 'Failed',
    skipped: 'Skipped',
    needsAttention: 'Needs attention',
    revoked: 'Key revoked',
  } satisfies Record<UserStatus, string>,
  filter: {
    all: 'All',
    allHint: 'Every user in the group',
    pending: 'To do',
    pendingHint: 'Pending or in progress',
    done: 'Done',
    doneHint: 'Registered, skipped or key revoked',
    failed: 'Failed',
    failedHint: 'Failed or needing attention',
    groupLabel: 'Show users',
    statusLabel: 'Status',
    anyStatus: 'Any status',
    withCount: (label: string, n: number) => `${label} (${num(n)})`,
  },
  header: {
    notSignedIn: 'nobody yet',
  },
  userList: {
    heading: 'Or a list of users from a file',
    pathLabel: 'File',
    pathPlaceholder: '/home/me/usersToRegister.csv',
    hint: 'One user principal name per line, or a CSV with a upn or userPrincipalName column (the Yubico sample’s usersToRegister.csv too).',
    load: 'Load list',
    loaded: (n: number, file: string) => `${users(n)} from ${file} form the queue.`,
    leftOut: (n: number) =>
      plural.select(n) === 'one' ? '1 line was left out:' : `${num(n)} lines were left out:`,
    done: 'Done',
  },
  queue: {
    title: 'Queue',
    total: users,
    shown: (shown: number, total: number) =>
      shown === total ? users(total) : `${num(shown)} of ${users(total)}`,
    loading: 'Loading the group’s users…',
    retry: 'Retry',
    empty: 'This group has no users.',
    noMatch: 'No users match this filter or search.',
    listLabel: 'Users (type a name to jump to it; Space marks a user for a bulk action)',
    hiddenSelected: 'is selected but hidden by this filter or search.',
    showAll: 'Show all',
    searchLabel: 'Search users',
    searchPlaceholder: 'Name, UPN, dept (/)',
    searchTitle: 'Search by name, UPN or department; every word must match',
    atDesk: (desk: string) => `at ${desk}`,
    atDeskTitle: 'Another desk on the shared store is working this user now.',
    revokedNote: 'The passkey on this user’s key was deleted in Microsoft Entra.',
    reload: 'Reload',
    reloadTitle:
      'Read the group’s members from Microsoft Graph again (journal states are kept; users who left are marked)',
    leftGroup: 'Left the group',
    leftGroupNote:
      'This user is no longer a member of the group. KeyDesk will not provision them; a passkey already registered stays.',
    reissue: 'Issue a new key',
    clearSearch: 'Clear search',
    sortLabel: 'Sort',
    sortOption: (by: string) => `Sort: ${by}`,
    sort: {
      queue: 'Queue order',
      name: 'Name',
      upn: 'UPN',
      status: 'Status',
    },
  },
  shortcuts: {
    title: 'Keyboard shortcuts',
    close: 'Close',
    keys: {
      enter: ['Enter', 'Provision the selected user, or go to the next user'],
      jk: ['J / K', 'Next / previous user'],
      arrows: ['↑ ↓ Home End', 'Move in the user list'],
      letters: ['Letters', 'In the list: jump to a name'],
      space: ['Space', 'In the list: mark a user for a bulk action'],
      slash: ['/', 'Search users'],
      esc: ['Esc', 'Close a dialog, clear the search, or cancel a job while it is safe'],
      help: ['?', 'This list'],
    },
  },
  inventory: {
    open: 'Inventory',
    openTitle: 'Key inventory: find a key, report it lost or returned',
    title: 'Key inventory',
    searchLabel: 'Find a key',
    searchPlaceholder: 'Serial, user, model or date',
    stateLabel: 'State',
    anyState: 'Any state',
    state: { issued: 'Issued', revoked: 'Lost (revoked)', returned: 'Returned', orphan: 'Orphan' },
    columns: {
      serial: 'Serial',
      model: 'Model',
      user: 'User',
      operator: 'By',
      at: 'Issued on',
      state: 'State',
      actions: 'Actions',
    },
    noSerial: 'no serial',
    loading: 'Loading the inventory…',
    empty: 'No key matches.',
    capped: (shown: number, total: number) =>
      `Showing ${num(shown)} of ${num(total)}: refine the search.`,
    count: (n: number) => (plural.select(n) === 'one' ? `${num(n)} key` : `${num(n)} keys`),
    lost: 'Lost…',
    returned: 'Returned…',
    lostLabel: (serial: string, upn: string) => `Report key ${serial} of ${upn} lost`,
    returnedLabel: (serial: string, upn: string) => `Key ${serial} of ${upn} returned`,
    confirmLost: (serial: string) => `Report key ${serial} lost?`,
    confirmLostBody: (upn: string) =>
      `Its passkey is deleted in Entra ID now, so the key no longer signs ${upn} in, and it is marked revoked in the inventory. This cannot be undone; a new key can be issued afterwards.`,
    confirmLostYes: 'Revoke the passkey',
    confirmReturned: (serial: string) => `Key ${serial} returned to the desk?`,
    confirmReturnedBody: (upn: string) =>
      `Its passkey is deleted in Entra ID, so the key no longer signs ${upn} in, and it is marked returned. Reset the key before it is issued again.`,
    confirmReturnedYes: 'Delete the passkey',
    revoked: (n: number) => `${n === 1 ? 'Key' : `${num(n)} keys`} revoked.`,
    wasReturned: (n: number) => `${n === 1 ? 'Key' : `${num(n)} keys`} marked returned.`,
    reissue: (upn: string) => `Issue a new key to ${upn}`,
    reissued: (upn: string) => `${upn} is pending again in the queue.`,
    close: 'Close',
  },
  history: {
    open: 'History',
    openTitle: 'The audit log: who did what, when; verify and export it',
    title: 'History',
    searchLabel: 'Search',
    searchPlaceholder: 'User, operator, action, detail or date',
    actionLabel: 'Action',
    operatorLabel: 'Operator',
    any: 'Any',
    columns: { at: 'Time', operator: 'Operator', user: 'User', action: 'Action', detail: 'Detail' },
    count: (shown: number, total: number) =>
      shown === total ? `${num(total)} entries` : `${num(shown)} of ${num(total)} entries`,
    capped: (shown: number, total: number) =>
      `Showing the newest ${num(shown)} of ${num(total)}: refine the search.`,
    empty: 'No entry matches.',
    loading: 'Loading the audit log…',
    verify: 'Verify chain',
    verifying: 'Verifying…',
    verified: (n: number) =>
      `Chain verified: ${num(n)} entries, none edited, inserted, removed or reordered.`,
    broken: (why: string) =>
      `Chain broken: ${why}. The log has been altered since it was written; keep this copy and tell security.`,
    export: 'Export…',
    exportTitle:
      'Save the audit log in the export format an auditor verifies (keydesk-cli audit verify --file)',
    close: 'Close',
  },
  theme: {
    label: 'Theme',
    system: 'System',
    light: 'Light',
    dark: 'Dark',
  },
  passkeys: {
    heading: 'Passkeys this user already has',
    loading: 'Reading the user’s passkeys from Microsoft Entra…',
    none: (name: string) => `${name} has no passkeys yet.`,
    unnamed: 'Unnamed passkey',
    created: (at: string) => `created ${day(at)}`,
    delete: 'Delete',
    deleteLabel: (name: string) => `Delete passkey ${name}`,
    deleted: (name: string) => `Deleted “${name}”.`,
    retry: 'Read again',
    choiceLegend: 'When the new passkey is registered, these passkeys are:',
    keep: 'Kept',
    deleteAfter: 'Deleted (only after the new one is registered)',
    confirmTitle: (passkey: string, user: string) => `Delete “${passkey}” from ${user}?`,
    confirmBody: (user: string, model: string) =>
      `${user} can no longer sign in with this passkey (${model}). It is deleted in Microsoft Entra and cannot be brought back; the key itself is not changed.`,
    duringJob: (n: number, deleting: boolean) =>
      `The user’s ${plural.select(n) === 'one' ? 'passkey' : `${num(n)} passkeys`} from before ${
        plural.select(n) === 'one' ? 'is' : 'are'
      } ${deleting ? 'deleted once this one is registered' : 'kept'}.`,
    confirmYes: 'Delete passkey',
    confirmNo: 'Keep it',
  },
  pinChoice: {
    lead: 'This key already has a PIN. What should KeyDesk do with it, for this user?',
    change: 'Change PIN',
    reset: 'Reset key',
    skip: 'Skip this user',
    currentLabel: 'The key’s current PIN',
    currentHint:
      'KeyDesk changes it to a new PIN for this user. It never tries a PIN when only two tries are left.',
    changeGo: 'Change PIN and continue',
    inBatch:
      'The batch went on with the other keys. Once it is over, select this user to change the PIN, reset the key or skip.',
    tries: (n: number) =>
      `The key allows ${num(n)} more wrong ${plural.select(n) === 'one' ? 'PIN' : 'PINs'} before it locks.`,
  },
  reset: {
    replugKey: (key: string) => `Pull ${key} out and plug it back in.`,
    replugHint:
      'A key accepts a reset only in the first seconds after it is plugged in. Nothing has been written to it yet.',
    resetKey: (key: string) => `Touch ${key} now to reset it.`,
    expired:
      'Time is up: the key no longer accepts a reset. If KeyDesk reports a failure, pull the key, plug it back in, and choose Reset key again.',
  },
  bulk: {
    marked: (n: number) => `${users(n)} marked`,
    /** The bulk bar's own count (the row's check mark and a number), short so the bar
     * stays one row at 900 px; its title and the bar's label say it in words. */
    markedShort: (n: number) => `✓ ${num(n)}`,
    markAll: 'Mark all shown',
    clear: 'Clear marks',
    skip: (n: number) => `Skip ${num(n)}`,
    skipTitle: 'Skip the marked users that are pending or failed',
    confirmSkip: (n: number) => `Skip ${users(n)}?`,
    confirmSkipBody:
      'They are marked Skipped and left out of this batch. A skipped user can be provisioned later from the queue.',
    skipped: (n: number) => `${users(n)} skipped.`,
    nothingToSkip: 'None of the marked users is pending or failed.',
    retry: (n: number) => `Retry failed (${num(n)})`,
    progress: (verb: 'skip' | 'retry', done: number, total: number) =>
      `${verb === 'skip' ? 'Skipping' : 'Retrying'}… ${num(done)} of ${num(total)}`,
    retryTitle: 'Put the marked failed users back to pending',
    retried: (n: number) => `${users(n)} back to pending.`,
    nothingToRetry: 'None of the marked users has failed.',
    retryFailed: (done: number, failed: number) =>
      `${users(done)} back to pending; ${num(failed)} could not be retried.`,
    toTop: (n: number) => `Move ${num(n)} to top`,
    toTopTitle: 'Put the marked users that are pending or failed first in the queue',
    movedToTop: (n: number) => `${users(n)} moved to the top of the queue.`,
    nothingToMove: 'None of the marked users is pending or failed.',
    more: 'More ▾',
    labels: (n: number) => `Key labels (${num(n)})…`,
    tap: (n: number) => `Pass letters (${num(n)})…`,
    tapTitle:
      'Issue each marked user a Temporary Access Pass and save their onboarding letters as a PDF (the passes are nowhere else)',
    labelsTitle: 'Save a sheet of key labels (name and short code) for the marked registered users',
    noneRegistered: 'None of the marked users is registered yet: labels are for keys handed out.',
    phonesBusy: 'Wait until the job or phone hand-out under way ends.',
    skipFailed: (done: number, failed: number) =>
      `${users(done)} skipped; ${num(failed)} could not be skipped.`,
  },
  paperMenu: {
    printAll: (n: number) => `Print letters waiting (${num(n)})`,
    printAllTitle: (n: number) => `${num(n)} PIN letter(s) waiting`,
    saveAll: 'Save letters waiting as PDF…',
    labels: 'Key labels for letters waiting (PDF)…',
    noLetters: 'No PIN letters are waiting: they appear here as users are registered.',
    tapMarked: (n: number) => `Temporary Access Pass letters (${num(n)} marked)…`,
    tapSelected: (name: string) => `Temporary Access Pass letter for ${name}…`,
    tap: 'Temporary Access Pass letters…',
    noUser: 'Select a user in the queue, or mark users, first: a pass letter is for someone.',
    report: 'Report (CSV)…',
    yubico: 'keysRegistered.csv (Yubico sample)…',
  },
  phone: {
    title: (name: string) => `Hand out a phone to ${name}`,
    of: (n: number, total: number) => `Phone ${num(n)} of ${num(total)}`,
    handOut: 'Hand out a phone…',
    handOutTitle:
      'Give the user a passkey in Microsoft Authenticator on a phone, with a one-time Temporary Access Pass',
    bulk: (n: number) => `Hand out phones (${num(n)})`,
    intro:
      'KeyDesk issues a short one-time Temporary Access Pass, shows it here for whoever holds the phone, and waits until the phone’s passkey appears in Entra ID. The pass is deleted at the end, whatever happens.',
    start: 'Issue the pass',
    issuing: 'Checking the Temporary Access Pass policy and issuing the pass…',
    passLabel: 'Temporary Access Pass',
    reveal: 'Click to show the pass',
    hide: 'Hide',
    validFor: (minutes: number) => `Valid for ${num(minutes)} min, one sign-in only.`,
    steps: (upn: string) => [
      'Open Microsoft Authenticator on the phone.',
      'Tap + (Add account), then Work or school account, then Sign in.',
      `Sign in as ${upn} and, when asked, enter the Temporary Access Pass shown here.`,
      'Follow the prompts to create the passkey, with the phone’s screen lock.',
    ],
    waiting: 'Waiting for the passkey on the phone…',
    checked: (secs: number) => `Last checked ${num(secs)} s into the wait.`,
    detected: (platform: string) => `Passkey seen: Microsoft Authenticator on ${platform}.`,
    cancel: 'Cancel and delete the pass',
    cancelling: 'Deleting the pass…',
    registered: (name: string, platform: string) =>
      `${name} has a passkey in Microsoft Authenticator on ${platform}. The phone is in the inventory.`,
    cancelled: 'Cancelled. No phone was recorded.',
    timedOut: 'No passkey appeared in time. No phone was recorded; start again when ready.',
    passGone: 'The Temporary Access Pass was deleted.',
    passLeft:
      'The Temporary Access Pass could not be deleted; it expires on its own. Delete it in Entra ID to be sure.',
    activeTitle: 'This user already holds a Temporary Access Pass',
    activeBody:
      'A new pass would replace it, and the old one would stop working. Ask the user whether they still need it.',
    replace: 'Replace it and go on',
    retry: 'Try again',
    next: 'Next user',
    close: 'Close',
    demoPhone: 'Demo: the phone signs in',
    platform: { ios: 'iOS', android: 'Android' },
  },
  yubico: {
    title: 'Switching from the Yubico sample?',
    intro:
      'Import its configs.json: the tenant, application id and group fill the form, and the client secret goes to the OS keyring.',
    pathLabel: 'Full path of configs.json',
    import: 'Import',
    importing: 'Importing…',
    timeout: (minutes: number) =>
      `The sample used a ${num(minutes)}-minute challenge timeout: set it in Settings if you want the same (it needs the beta API).`,
  },
  lock: {
    title: 'KeyDesk is locked',
    why: 'It locked itself after a while without use, so no PIN or user list stays on screen.',
    locking: 'Locking…',
    unlock: 'Unlock',
    checking: 'Checking…',
    demo: 'This is the demo: one click unlocks it. A real station asks for its passphrase (app-only sign-in).',
    passphrase: 'Station passphrase',
    passphraseHint: 'Type the passphrase set for this station.',
    setIntro:
      'This station has no passphrase yet. Set one now: it unlocks this window from now on. At least 8 characters, typed twice; KeyDesk keeps only a slow hash of it in the OS keyring.',
    newPassphrase: 'New station passphrase',
    again: 'Type it again',
    set: 'Set passphrase and unlock',
    retry: 'Try again',
    signInIntro: 'Sign in again with the account that was signed in to unlock this window.',
    signIn: 'Sign in again',
    signingIn: 'Waiting for the sign-in…',
    browserOpened: 'The sign-in page opened in your browser. If it did not, open:',
    deviceCode: (code: string, uri: string) => `Go to ${uri} and enter the code ${code}.`,
  },
} as const;
