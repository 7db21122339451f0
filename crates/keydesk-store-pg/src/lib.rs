//! KeyDesk's shared store on PostgreSQL: several desks, on different machines, working one
//! group. It implements the engine's storage port (`keydesk_engine::port`: journal,
//! claims with leases, inventory) and adds what only a shared store needs: one audit
//! chain across desks ([`audit`]), a desk pool whose secret wraps the escrow key
//! ([`pool`]), live progress over LISTEN/NOTIFY ([`progress`]).
//!
//! - [`target`] reads `--store postgres://…` (a password in it is refused; TLS with
//!   full verification unless `sslmode=disable` on a loopback host).
//! - `conn` connects and runs every call off the async runtime (the sync `postgres`
//!   client drives its own runtime, which may not nest in the engine's).
//! - `migrate` applies the versioned schema at start and refuses a newer one.
//! - `batches` keeps the escrow's batch keys and destroys a batch's key with its last
//!   PIN.
//! - `letters` holds what a PIN letter prints, so any desk prints any desk's letters.
//! - `mirror` takes a desk's journal changes, fenced by that desk's claim.
//! - [`desk`] is a desk joining the pool (the password from `PGPASSWORD` and the pool
//!   secret from `KEYDESK_POOL_SECRET` once, then the OS keyring) and working a selection
//!   with the others; `keydesk-cli provision --store` and the app share it.
//!
//! Not here: any decision about a user (the engine's `flow/`), SQLite (the engine's
//! default store).

pub mod audit;
mod batches;
mod claims;
mod conn;
pub mod desk;
mod error;
mod inventory;
mod jobs;
mod letters;
mod migrate;
mod mirror;
pub mod pool;
pub mod progress;
pub mod target;

pub use conn::PgStore;
pub use migrate::SCHEMA_VERSION;
pub use target::{StoreTarget, TargetError};
