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
//! Known issues:
//! - `Retry-After` is capped at 5 minutes; attempts per call at
//!   [`GraphConfig::max_attempts`].
//! - A [`Cloud::Custom`] cloud is trusted to offer provisioning (it is how tests and
//!   proxies point at a tenant); only the named national clouds are refused.
//! - [`may_register`] cannot judge attestation enforcement (it depends on the key's
//!   attestation, known only after makeCredential) nor group targeting of the policy.
//! - The OS keyring is used synchronously (on tokio's blocking pool); on Linux it needs a
//!   running Secret Service (GNOME Keyring, KWallet).

mod api_error;
mod certificate;
mod client;
mod cloud;
mod config;
mod creation_options;
mod credentials;
mod delegated;
mod device_code;
mod error;
mod fido2;
mod groups;
mod http;
mod loopback;
mod membership;
mod operation;
mod operator;
mod policy;
mod query;
mod reconcile;
mod retry;
mod secret_store;
mod tap;
mod token;
mod token_endpoint;
mod users;
mod wire;

pub use certificate::ClientCertificate;
pub use client::GraphClient;
pub use cloud::Cloud;
pub use config::{ApiVersion, GraphConfig};
pub use credentials::{Credentials, Secret};
pub use delegated::{BrowserOpener, Delegated, Flow, SystemBrowser, DEFAULT_BROWSER_TIMEOUT};
pub use device_code::{DeviceCodeInfo, DeviceCodePrompt};
pub use error::{GraphError, GraphErrorKind};
pub use fido2::{Passkey, Registration, CHALLENGE_TIMEOUT_MINUTES, MAX_DISPLAY_NAME_CHARS};
pub use groups::Group;
pub use operation::Operation;
pub use operator::{Operator, OperatorKind};
pub use policy::{may_register, Fido2Policy, KeyRestrictions, PasskeyProfile, PolicyRefusal};
pub use reconcile::{
    judge, outcome_unknown, Attempt, PasskeyListing, Verdict, CREATED_TOLERANCE_SECS,
};
pub use retry::{SleepFuture, Sleeper, TokioSleeper, MAX_ATTEMPTS};
pub use secret_store::{KeyringStore, MemoryStore, SecretKey, SecretStore, KEYRING_SERVICE};
pub use tap::{TapCode, TapRequest, TemporaryAccessPass, TAP_LIFETIME_MINUTES};
