//! The commands the UI can invoke: every name, argument and result, declared once.
//!
//! [`with_commands!`](crate::with_commands) hands the list to a macro of the caller's:
//! - here it becomes [`COMMANDS`] and, under `cargo test`, `ui/src/bindings/commands.ts`
//!   (one typed function per command, see `typescript.rs`);
//! - in the app (`src-tauri/src/contract.rs`) it becomes the `invoke_handler`, and a
//!   compile-time check that each `#[tauri::command]` takes the declared arguments and
//!   returns the declared result.
//!
//! Adding a command: declare it in [`with_commands!`](crate::with_commands), write the
//! `#[tauri::command]` of the same name in `src-tauri/src/commands/`, run
//! `cargo test -p keydesk-ipc`, and call it from `ui/src/platform/tauri.ts`.

use std::marker::PhantomData;

/// Calls `$callback! { ... }` with every command, one entry each:
///
/// ```text
/// /// doc comment
/// fn name(arg: Type, ...) -> Ok;
/// ```
///
/// Every command resolves to `Result<Ok, IpcError>`. An argument of type
/// [`Channel<E>`](Channel) streams `E`s to the UI while the command runs. Types are spelled
/// with `$crate::`, so the callback may expand anywhere.
#[macro_export]
macro_rules! with_commands {
    ($callback:ident) => {
        $callback! {
            /// Header facts. Rejects only when the app could not start: then every command
            /// rejects with that error, and the window shows it.
            fn app_info() -> $crate::AppInfo;
            /// The connection screen's start: the saved connection, whether signed in.
            fn connection_load() -> $crate::ConnectionState;
            /// Saves the connection (no secret in it), keeps `secret` (a client secret or
            /// PFX password) in the OS keyring when given, and signs in; an interactive
            /// sign-in reports what the operator must do on `onEvent`. Resolves with the
            /// new header facts.
            fn sign_in(
                connection: $crate::Connection,
                secret: Option<$crate::NewSecret>,
                on_event: $crate::Channel<$crate::SignInEvent>
            ) -> $crate::AppInfo;
            /// Reads the Yubico sample's `configs.json` at `path`: its client secret goes to
            /// the OS keyring, and the connection it describes comes back to fill the form.
            fn connection_import_yubico(path: String) -> $crate::YubicoImport;
            /// Forgets every token; with `forget_secret`, the stored secret too.
            fn sign_out(forget_secret: bool) -> $crate::AppInfo;
            /// The read-only tenant check for `group`, one verdict per line.
            fn tenant_check(group: String) -> Vec<$crate::CheckLine>;
            /// Groups whose display name has a word starting with `text`, each with its id and
            /// size (same-named groups side by side).
            fn group_search(text: String) -> Vec<$crate::GroupChoice>;
            /// Makes `group` the queue's group, remembered in the app's settings.
            fn group_choose(group: $crate::GroupChoice) -> $crate::AppInfo;
            /// Makes the users listed in the file at `path` the queue (a CSV with a UPN
            /// column, the Yubico sample's `usersToRegister.csv`, or one UPN per line), each
            /// looked up in the tenant; remembered in the app's settings like a group.
            fn users_file_load(path: String) -> $crate::UserListLoaded;
            /// How the window unlocks if it is locked (an app-only station with a
            /// passphrase starts locked), else null.
            fn lock_state() -> Option<$crate::LockState>;
            /// Locks the window (the idle lock): until an unlock, the commands that show
            /// PINs (letters, reprint) are refused. Says how this station unlocks.
            fn lock_now() -> $crate::LockState;
            /// Unlocks: with the station passphrase in the app-only modes (5 wrong in a row:
            /// a 30-second wait), with none in demo mode; refused in the delegated modes,
            /// which unlock with `unlock_sign_in`.
            fn unlock(passphrase: Option<String>) -> ();
            /// Unlocks in the delegated modes: the saved connection signs in again (the
            /// sign-in's prompts on `onEvent`) and unlocks only if the same operator did.
            fn unlock_sign_in(on_event: $crate::Channel<$crate::SignInEvent>) -> ();
            /// Sets the station passphrase, once (at least 8 characters, `again` the second
            /// typing); kept only as a slow salted hash in the secret store. Unlocks.
            fn station_passphrase_set(passphrase: String, again: String) -> ();
            /// The desk's settings (defaults when none are saved).
            fn settings_load() -> $crate::DeskSettings;
            /// Saves the desk's settings; the next job uses them.
            fn settings_save(settings: $crate::DeskSettings) -> ();
            /// The group's users with their journal status.
            fn queue_load() -> Vec<$crate::QueueUser>;
            /// The users other desks on the shared store are working now (none without
            /// `--store`); the window asks again every few seconds.
            fn desk_claims() -> Vec<$crate::DeskClaim>;
            /// Provisions one user: progress and the result arrive on `onEvent`; resolves
            /// when the job is over. `key_with_pin` overrides, for this job only, the desk's
            /// setting for a key that already has a PIN (change it from the typed PIN, or
            /// reset the key); `existing` overrides the desk's setting for the user's
            /// existing passkeys (keep them, or delete them once the new one registered).
            fn provision(
                user_id: String,
                key_with_pin: Option<$crate::PinChoice>,
                existing: Option<$crate::ExistingChoice>,
                on_event: $crate::Channel<$crate::ProvisionEvent>
            ) -> ();
            /// The user's passkeys in Entra now (name, model, created).
            fn passkeys_list(user_id: String) -> Vec<$crate::ExistingPasskey>;
            /// Deletes one of the user's passkeys (the operator confirmed it); audited.
            /// Rejects with `unknownMethod` when it is already gone.
            fn passkey_delete(user_id: String, method_id: String) -> ();
            /// Stops the running job while it waits for a key or for Graph (the UI offers
            /// it only there); the job fails with `cancelled`. Nothing to stop: no-op.
            fn provision_cancel() -> ();
            /// Works the loaded queue over every plugged key at once, one user per key;
            /// progress per user arrives on `on_event`. Resolves when the batch ends.
            fn batch_start(on_event: $crate::Channel<$crate::BatchEvent>) -> ();
            /// The batch takes no new user; the users in progress are finished.
            fn batch_stop() -> ();
            /// Writes the last batch's summary (no PIN in it) to `path` as CSV or JSON.
            fn batch_summary_save(format: $crate::SummaryFormat, path: String) -> $crate::SavedFile;
            /// The operator skips a pending or failed user: the queue marks it Skipped.
            fn queue_skip(user_id: String) -> ();
            /// The operator retries a failed (or skipped) user: the queue marks it Pending.
            fn queue_retry(user_id: String) -> ();
            /// The operator moves these users (in this order) ahead of the whole queue.
            fn queue_move_to_top(user_ids: Vec<String>) -> ();
            /// The operator printed the user's PIN letter: the escrowed PIN is wiped.
            fn letter_printed(user_id: String) -> ();
            /// Every sealed PIN whose letter is not confirmed printed yet.
            fn letters_pending() -> Vec<$crate::PendingLetter>;
            /// Opens the user's escrowed PIN again, to reprint its letter.
            fn letter_reprint(user_id: String) -> $crate::Registered;
            /// The folder a save offers first: the data folder's parent (files holding PINs
            /// never go inside the data folder).
            fn paper_folder() -> String;
            /// The PIN letters PDF of these users (object ids or UPNs; none: every letter
            /// waiting), for the window's viewer. Nothing is wiped.
            fn letters_pdf(user_ids: Vec<String>) -> $crate::PdfBytes;
            /// Writes the PIN letters PDF of these users (none: every letter waiting) to
            /// `path` (0600, synced, never inside the data folder). Nothing is wiped: the
            /// operator confirms *Saved* with `letter_printed` per user.
            fn letters_save(user_ids: Vec<String>, path: String) -> $crate::SavedFile;
            /// Writes the key labels PDF of these users (none: every key whose letter is
            /// waiting) to `path`.
            fn labels_save(user_ids: Vec<String>, path: String) -> $crate::SavedFile;
            /// Issues a Temporary Access Pass per user (the TAP policy checked first; an
            /// active pass is kept unless `replace`) and writes their onboarding letters to
            /// `path`; the passes exist nowhere else.
            fn tap_save(request: $crate::TapRequest, path: String) -> $crate::SavedFile;
            /// Hands out a phone: issues the user a Temporary Access Pass (the policies
            /// checked first; an active pass is kept unless `replace`), sends it on
            /// `on_event` to be shown, then waits for a passkey in Microsoft Authenticator;
            /// whatever ends the wait deletes the pass. Resolves when it is over.
            fn phone_hand_out(
                request: $crate::PhoneRequest,
                on_event: $crate::Channel<$crate::PhoneEvent>
            ) -> ();
            /// Stops waiting for the phone (its pass is deleted). Nothing waiting: no-op.
            fn phone_cancel() -> ();
            /// Writes a report from the journal to `path`.
            fn report_save(format: $crate::ReportFormat, path: String) -> $crate::SavedFile;
            /// Every job that needs attention, with the user's passkeys (those new since the
            /// attempt marked).
            fn attention_list() -> Vec<$crate::AttentionJob>;
            /// The operator's decision on a job that needs attention: `methodId` is its
            /// passkey, or none is (the job starts again). Audited. Returns the new status.
            fn attention_resolve(user_id: String, method_id: Option<String>) -> $crate::UserStatus;
            /// The user's key is lost or to be replaced: its passkey is deleted in Entra
            /// and revoked in the inventory; with `reissue`, the user is pending again.
            fn key_revoke(user_id: String, reissue: bool) -> ();
            /// The whole key inventory, newest first.
            fn inventory_list() -> Vec<$crate::InventoryItem>;
            /// A key is lost: every issued passkey found for `serial_or_user` (a key serial,
            /// a user id or a UPN) is deleted in Entra and revoked in the inventory. Returns
            /// the entries revoked; rejects with `nothingToResolve` when none is issued.
            fn inventory_lost(serial_or_user: String) -> Vec<$crate::InventoryItem>;
            /// A key (by serial) came back to the desk: its passkey is deleted in Entra and
            /// the entry marked returned. Returns the entries returned; rejects with
            /// `nothingToResolve` when none is issued.
            fn inventory_returned(serial: String) -> Vec<$crate::InventoryItem>;
            /// The audit log in its export format (docs/AUDIT-EXPORT.md): one JSON entry a
            /// line, then the head line.
            fn audit_export() -> String;
            /// Whether the audit log's chain verifies under the station's audit key.
            fn audit_verify() -> $crate::AuditCheck;
            /// Streams plugged keys: present keys first, then changes.
            fn keys_watch(on_event: $crate::Channel<$crate::KeyEvent>) -> ();
            /// Demo only: plugs a new simulated key: blank, or with a PIN (returned for the
            /// tester to type), of the chosen model.
            fn demo_plug_key(key: $crate::PlugKey) -> $crate::PluggedKey;
            /// Demo only: the models the key panel can plug a key of.
            fn demo_models() -> Vec<$crate::DemoModel>;
            /// Demo only: plugs a pulled simulated key back in (same key, same state: the
            /// re-plug a reset needs).
            fn demo_replug_key(key_id: String) -> $crate::KeyView;
            /// Demo only: pulls a simulated key (an operation on it fails as a real pull
            /// would).
            fn demo_pull_key(key_id: String) -> ();
            /// Demo only: touches a simulated key.
            fn demo_touch_key(key_id: String) -> ();
            /// Demo only: the simulated phone signs in to Authenticator with the user's
            /// pass and creates the passkey the running `phone_hand_out` waits for.
            fn demo_phone(user_id: String) -> ();
        }
    };
}

/// An argument that streams events to the UI while its command runs: a
/// `tauri::ipc::Channel<E>` in the app, a callback `(event: E) => void` in TypeScript.
/// Only a name in declarations; never built.
pub struct Channel<E>(PhantomData<fn(E)>);

/// A declared command, for checks that need names at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Command {
    /// The name `invoke` uses (and the `#[tauri::command]` function's).
    pub name: &'static str,
    /// Argument names as Rust spells them (the UI sends them in camelCase).
    pub args: &'static [&'static str],
}

macro_rules! declare {
    ($(
        $(#[doc = $doc:literal])*
        fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ok:ty;
    )*) => {
        /// Every command, in declaration order.
        pub const COMMANDS: &[Command] = &[$(Command {
            name: stringify!($name),
            args: &[$(stringify!($arg)),*],
        }),*];

        /// Every command with its docs and TypeScript types, for the generator.
        #[cfg(test)]
        pub(crate) fn signatures(cfg: &ts_rs::Config) -> Vec<crate::typescript::Signature> {
            use crate::typescript::{Arg, Signature};
            vec![$(Signature {
                name: stringify!($name),
                docs: vec![$($doc),*],
                args: vec![$((stringify!($arg), <$ty as Arg>::describe(cfg))),*],
                ok: crate::typescript::Ty::of::<$ok>(cfg),
            }),*]
        }
    };
}

with_commands!(declare);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_names_are_unique_and_snake_case() {
        let mut names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
        assert!(names
            .iter()
            .all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), COMMANDS.len());
        let provision = COMMANDS.iter().find(|c| c.name == "provision").unwrap();
        assert_eq!(
            provision.args,
            ["user_id", "key_with_pin", "existing", "on_event"]
        );
    }
}
