//! KeyDesk's global options, declared once for the command line and the app.
//!
//! What it is: the clap [`Global`] arguments (data folder, tenant, client id, sign-in
//! mode, certificate, cloud, Graph version and URLs, listing lag, shared store and desk
//! name), their conversion to
//! the Graph client's [`GraphConfig`](keydesk_graph::GraphConfig) and
//! [`Credentials`](keydesk_graph::Credentials), the data folder's default, and where
//! sign-in secrets are looked up (the environment first, then the OS keyring).
//!
//! What it is not: a place for commands, output or the station. Prompts (a device code,
//! the browser to open) are the caller's: it passes them in [`Prompts`], so the command
//! line prints them on stderr and the app shows them in its window. No Tauri here.
//!
//! Known issues: the keyring look-up of a stored client secret is synchronous (the
//! `keyring` crate's D-Bus call); it happens once, before anything else is running.

mod browser;
mod error;
mod global;
mod session;
mod signin;
mod store;
mod tenant;

pub use browser::open_in_browser;
pub use error::OptionsError;
pub use global::{ApiArg, Auth, CloudArg, Global};
/// Whether a URL points at this machine (simulated keys are refused anywhere else): the
/// Graph client's own rule, which also decides where plain http is allowed.
pub use keydesk_graph::is_loopback;
pub use session::KeptSession;
pub use signin::{Prompts, CERT_PASSWORD_ENV, CLIENT_SECRET_ENV};
