//! KeyDesk's domain model, free of I/O.
//!
//! What lives here: the PIN and its policy ([`pin`]), the exact clientDataJSON Entra expects
//! ([`client_data`]), the WebAuthn attestationObject ([`attestation`]), the creation options a
//! registration starts from ([`options`]), the lenient base64url decoder for ids Graph sends
//! ([`b64`]) and the per-user job states ([`job`]); CSV ([`csv`]), RFC 3339 times
//! ([`rfc3339`]), the reports KeyDesk writes ([`report`]), the Yubico sample's files it
//! reads ([`import`]) and text from outside made safe to print ([`text`]).
//!
//! What does not: HTTP, HID, files, clocks. Callers pass time and randomness in.

pub mod attestation;
pub mod b64;
pub mod client_data;
pub mod csv;
pub mod import;
pub mod job;
pub mod options;
pub mod pin;
pub mod report;
pub mod rfc3339;
pub mod text;
pub mod user;

pub use attestation::Attestation;
pub use options::CreationOptions;
pub use pin::{Pin, PinPolicy};
pub use user::DirectoryUser;
