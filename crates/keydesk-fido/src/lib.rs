//! Security keys as KeyDesk sees them.
//!
//! [`port`] is the operation-level trait every key implements: the simulated key here
//! ([`soft`]) and, in a later issue, the ctap-hid-fido2 hardware driver. [`error`] holds the
//! CTAP status codes and transport failures a key can report. [`rack`] is a set of keys that
//! come and go, reported as a stream of [`rack::KeyEvent`]s (the device watcher's shape).

pub mod error;
pub mod port;
pub mod rack;
pub mod soft;

pub use error::{CtapStatus, KeyError};
pub use port::{KeyInfo, MakeCredential, SecurityKey};
