//! The engine's ports and their adapters: how the flow reaches the outside world.
//!
//! [`directory`] is the Graph side (the [`directory::Directory`] trait, named for what the
//! engine asks), adapted to `keydesk_graph::GraphClient` by [`graph_directory`]; [`keys`]
//! is the key side (the [`keys::KeySource`] a job claims a key from, and `RackKeys` over
//! simulated keys), with [`hid_keys`] over plugged hardware keys; [`passes`] is the Temporary Access Pass
//! side the phone flow needs (with its Graph adapter).
//!
//! A new Graph call the flow needs: a method on `Directory` and its line in
//! `graph_directory`. A new key operation: the `keydesk_fido::SecurityKey` port first.

pub mod directory;
pub mod graph_directory;
pub mod hid_keys;
pub mod keys;
pub mod passes;
