//! KeyDesk's Microsoft Graph client.
//!
//! What it does: signs in to Entra ID in every mode KeyDesk supports (a person in the
//! browser or with a device code; an app with a certificate or a client secret, the secret
//! and the refresh token kept in the OS keyring), in any cloud; finds the provisioning
//! group, lists its users, adds and removes group members, reads users and their passkeys, deletes passkeys, reads the
//! FIDO2 policy (and answers [`may_register`]), creates Temporary Access Passes, gets FIDO2
//! creation options and registers passkeys on a user's behalf. Every call has a timeout, a
//! fresh `client-request-id`, a tracing span with the path template, a permit of a shared
//! concurrency limit, and is retried when that is safe; a register whose outcome is unknown
//! is checked against the user's passkeys instead of being sent blindly again.
//!
//! What it does not: talk to keys, build clientDataJSON or attestation objects, or decide
//! who gets a key. Those live in `keydesk-core`, `keydesk-fido` and the engine.
//!
//! Layout: `signin/` holds the credentials, the token cache and the sign-in flows; `api/`
//! one module per Graph resource, each an `impl GraphClient` block next to its types; the
//! root what both use: [`GraphClient`], the transport (`http`, `retry`, `net`,
//! `api_error`), configuration and clouds, [`GraphError`], the [`SecretStore`], serde shapes
//! (`wire`) and the objects calls return ([`Group`], [`Passkey`]). Everything public is
//! re-exported here; the modules are private, except [`replies`]: the reply parsers as pure
//! functions of the body, for the fuzz targets and their corpus replay.
//!
//! Known issues:
//! - `Retry-After` is capped at 5 minutes; attempts per call at
//!   [`GraphConfig::max_attempts`].
//! - A [`Cloud::Custom`] cloud is trusted to offer provisioning (it is how tests and
//!   proxies point at a tenant); only the named national clouds are refused.
//! - [`may_register`] cannot judge attestation enforcement (it depends on the key's
//!   attestation, known only after makeCredential) nor group targeting of the policy.
//! - The OS keyring is used synchronously (on tokio's blocking pool); on Linux it needs a
//!   running Secret Service (GNOME Keyring, KWallet).

mod api;
mod api_error;
mod client;
mod cloud;
mod config;
mod error;
mod http;
mod net;
mod objects;
mod operation;
mod query;
pub mod replies;
mod retry;
mod secret_store;
mod signin;
mod wire;

pub use api::fido2::CHALLENGE_TIMEOUT_MINUTES;
pub use api::groups::{GroupMatch, GROUP_SEARCH_TOP};
pub use api::operator::{Operator, OperatorKind};
pub use api::policy::{
    attestation_required, may_register, Fido2Policy, KeyRestrictions, PasskeyProfile, PolicyRefusal,
};
pub use api::reconcile::{
    judge, outcome_unknown, Attempt, PasskeyListing, Verdict, CREATED_TOLERANCE_SECS,
};
pub use api::registration::{Registration, MAX_DISPLAY_NAME_CHARS};
pub use api::tap::{TapCode, TapMethod, TapRequest, TemporaryAccessPass, TAP_LIFETIME_MINUTES};
pub use api::tap_policy::{TapPolicy, TapRefusal};
pub use client::{GraphClient, TokenHint, TLS_TRUST};
pub use cloud::Cloud;
pub use config::{is_loopback, ApiVersion, GraphConfig};
pub use error::{GraphError, GraphErrorKind};
pub use objects::{Group, Passkey};
pub use operation::Operation;
pub use retry::{SleepFuture, Sleeper, TokioSleeper, MAX_ATTEMPTS};
pub use secret_store::{
    FileStore, KeyringStore, MemoryStore, Secret, SecretError, SecretKey, SecretStore,
    KEYRING_SERVICE,
};
pub use signin::certificate::ClientCertificate;
pub use signin::credentials::Credentials;
pub use signin::delegated::{
    BrowserOpener, Delegated, Flow, SystemBrowser, DEFAULT_BROWSER_TIMEOUT,
};
pub use signin::device_code::{DeviceCodeInfo, DeviceCodePrompt};
