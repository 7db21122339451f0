//! The hardware driver: real keys through ctap-hid-fido2 (hidapi, hidraw on Linux).
//!
//! - [`HidKey`]: one key behind the same [`crate::SecurityKey`] port as the soft key.
//! - [`watch()`]: the device watcher, a stream of Added / Removed / EnumerationComplete.
//! - [`ctaphid`]: our own CTAPHID exchange for authenticatorReset and CTAPHID_CANCEL.
//! - [`replug`]: the re-plug flow that gets a reset inside the key's 10-second window.
//! - [`status`]: the crate's error strings as typed [`crate::KeyError`]s, in one place.
//! - [`models`]: model names from AAGUIDs.
//!
//! Running against a real key: see `crates/keydesk-fido/HARDWARE.md`.
//!
//! Known issues: no keep-alive callback from the crate: callers announce "touch your key"
//! themselves before makeCredential, getAssertion and reset.

pub mod ctaphid;
pub mod enumerate;
mod key;
mod key_ops;
pub mod models;
pub mod replug;
pub mod status;
pub mod watch;

pub use enumerate::{fido_devices, DeviceIdentity, FIDO_USAGE_PAGE};
pub use key::{
    choose_pin_protocol, cred_mgmt_command, CredMgmtCommand, HidKey, CALL_TIMEOUT, TOUCH_TIMEOUT,
};
pub use key_ops::extensions;
pub use replug::{reset_after_replug, same_key, wait_for_return};
pub use watch::{
    watch, watch_source, DeviceEvent, DeviceSource, DeviceWatch, HidSource, POLL_INTERVAL,
};
