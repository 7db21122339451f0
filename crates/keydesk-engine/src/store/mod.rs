//! The store: what a desk keeps in its data folder, and the keys that protect it.
//!
//! [`journal`] (one SQLite file, its tables made in `schema`) holds each job's state,
//! [`inventory`] which key went to whom, [`letter_facts`] what a PIN letter prints;
//! [`escrow`] seals PINs for the journal and [`audit`] is the HMAC-chained log, both
//! under keys from [`secrets`]; [`lock`] keeps a data folder to one process. Opening all of them in order is [`crate::station`].
//!
//! Not here: any decision about a user or a key (that is `flow/`), and no Graph or key I/O.

pub mod audit;
pub mod escrow;
pub mod inventory;
pub mod journal;
pub mod letter_facts;
pub mod lock;
mod schema;
pub mod secrets;
