//! The provisioning flow, shared by the app and the command line.
//!
//! [`provision::provision_user`] takes one user from creation options to a registered
//! passkey on a key; [`batch::run`] works a list of users over several keys at once;
//! [`journal::Journal`] records each job's state in SQLite **before** every side effect, so
//! a rerun never registers a user twice; [`keys::KeySource`] is where keys come from (a
//! rack of simulated keys now, the device watcher later).
//!
//! Not here yet (later issues): crash reconciliation beyond "was the POST seen", prefetch,
//! pre-flight against the tenant policy, PIN change/reset, escrow, inventory, audit.

pub mod batch;
pub mod error;
pub mod journal;
pub mod keys;
pub mod provision;
pub mod step;

pub use error::ProvisionError;
pub use journal::Journal;
pub use provision::{provision_user, Context, Provisioned};
pub use step::Step;
