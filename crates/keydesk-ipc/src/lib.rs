//! The one place that declares what crosses between the Rust backend and the UI: every
//! command ([`with_commands!`]), every type its arguments, results and events use, and
//! the errors ([`IpcError`], with an [`ErrorKind`] the UI branches on).
//!
//! Every type derives [`ts_rs::TS`]; `cargo test -p keydesk-ipc` writes them, the typed
//! command functions (`commands.ts`) and the list of error kinds (`errorKinds.ts`) to
//! `TS_RS_EXPORT_DIR`, which `.cargo/config.toml` sets to `ui/src/bindings/`. The generated
//! files are committed, and `make bindings-fresh` fails when they are stale or when one is
//! left over from a deleted type.
//!
//! This crate knows nothing of Tauri: the app (`src-tauri`) registers the commands declared
//! here and maps its errors onto [`ErrorKind`].

mod commands;
mod connection;
mod error;
mod events;
mod history;
mod inventory;
mod keys;
mod lock;
mod paper;
mod passkeys;
mod phone;
mod settings;
mod summary;
#[cfg(test)]
mod typescript;
mod views;

pub use commands::{Channel, Command, COMMANDS};
pub use connection::{
    CheckLine, CloudName, Connection, ConnectionState, GroupChoice, NewSecret, SignInEvent,
    SignInMode, UserListLoaded, Verdict, YubicoImport,
};
pub use error::{ErrorKind, IpcError};
pub use events::{BatchEvent, KeyEvent, ProvisionEvent, Step};
pub use history::AuditCheck;
pub use inventory::{InventoryItem, KeyState};
pub use keys::{DemoModel, PinChoice, PlugKey, PluggedKey};
pub use lock::{LockState, UnlockWith};
pub use paper::{PdfBytes, ReportFormat, SavedFile, TapRequest};
pub use passkeys::{ExistingChoice, ExistingPasskey};
pub use phone::{PhoneDone, PhoneEvent, PhoneKind, PhoneRequest};
pub use settings::{DeskSettings, KeyWithPin};
pub use summary::{BatchSummary, KeyCount, ReasonCount, SummaryFormat};
pub use views::{
    AppInfo, AttentionJob, Candidate, DeskClaim, KeyView, PendingLetter, QueueUser, Registered,
    UserStatus,
};
