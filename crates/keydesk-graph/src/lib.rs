//! KeyDesk's Microsoft Graph client.
//!
//! What it does: signs in to Entra ID (app-only, client secret), finds the provisioning
//! group, lists its users, reads users and their passkeys, gets FIDO2 creation options and
//! registers passkeys on a user's behalf, mapping Graph's shapes into `keydesk-core` types.
//! Every call has a timeout, a fresh `client-request-id`, a tracing span with the path
//! template, and reads are retried on throttling.
//!
//! What it does not: talk to keys, build clientDataJSON or attestation objects, decide who
//! is eligible, or store secrets. Those live in `keydesk-core`, `keydesk-fido` and the app.
//!
//! Known issues:
//! - Only client-secret sign-in exists; certificate and delegated sign-in are to come.
//! - A 401 on the register POST is not retried (writes never are); the stale token is
//!   dropped so the caller's next attempt signs in afresh.
//! - `Retry-After` is honoured in its seconds form only, capped at 5 minutes.

mod client;
mod config;
mod creation_options;
mod credentials;
mod error;
mod fido2;
mod groups;
mod http;
mod operation;
mod query;
mod retry;
mod token;
mod users;
mod wire;

pub use client::GraphClient;
pub use config::{ApiVersion, GraphConfig};
pub use credentials::{Credentials, Secret};
pub use error::{GraphError, GraphErrorKind};
pub use fido2::{Passkey, Registration, CHALLENGE_TIMEOUT_MINUTES, MAX_DISPLAY_NAME_CHARS};
pub use groups::Group;
pub use operation::Operation;
pub use retry::{SleepFuture, Sleeper, TokioSleeper, MAX_ATTEMPTS};
