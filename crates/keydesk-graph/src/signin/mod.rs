//! Signing in to Entra ID: every way KeyDesk proves who it is, and the access tokens that
//! come of it.
//!
//! [`credentials`] says which mode (browser or device code for a person; certificate or
//! client secret for an app); [`token`] fetches, caches and refreshes tokens for any of
//! them through [`token_endpoint`]; [`delegated`], [`device_code`] and [`loopback`] are the
//! interactive flows; [`certificate`] signs the client assertion. Secrets and refresh
//! tokens are kept in a [`crate::SecretStore`].
//!
//! Not here: sending Graph calls ([`crate::http`] asks [`token`] for a token) or anything
//! a call does once signed in (`api/`).

pub(crate) mod certificate;
pub(crate) mod credentials;
pub(crate) mod delegated;
pub(crate) mod device_code;
pub(crate) mod loopback;
pub(crate) mod token;
pub(crate) mod token_endpoint;
