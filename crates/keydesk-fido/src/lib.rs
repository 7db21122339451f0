//! Security keys as KeyDesk sees them.
//!
//! [`port`] is the operation-level trait every key implements: the simulated key here
//! ([`soft`]) and the ctap-hid-fido2 hardware driver ([`hid`], with its device watcher). [`error`] holds the
//! CTAP status codes and transport failures a key can report. [`rack`] is a set of keys that
//! come and go, reported as a stream of [`rack::KeyEvent`]s (the device watcher's shape).

pub mod error;
pub mod hid;
pub mod port;
pub mod rack;
pub mod soft;

pub use error::{CtapStatus, KeyError};
pub use port::{
    aaguid_text, Assertion, CredentialRef, GetAssertion, KeyInfo, MakeCredential, SecurityKey,
};
