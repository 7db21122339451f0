//! The Graph calls, one module per resource, each an `impl GraphClient` block next to the
//! types it returns: [`groups`] and [`users`] (finding the queue), [`membership`] (group
//! writes), [`fido2`] (passkeys: list, creation options, register, delete) with
//! [`creation_options`] (reading the options document), [`registration`] (the register
//! body) and [`reconcile`] (whether a register POST with a lost answer landed), [`policy`] (the FIDO2 policy and the pure
//! [`crate::may_register`]), [`tap`] (Temporary Access Pass: issue, list, delete) with [`tap_policy`] (its method policy) and [`operator`] (who is
//! signed in, for the audit log) and [`roles`] (the directory roles a user holds).
//!
//! A new Graph call goes here: a method on [`crate::GraphClient`] that builds a
//! [`crate::http::Call`] with its [`crate::Operation`] (which names the permission it
//! needs), and serde shapes in [`crate::wire`].

pub(crate) mod creation_options;
pub(crate) mod fido2;
pub(crate) mod groups;
pub(crate) mod membership;
pub(crate) mod operator;
pub(crate) mod policy;
pub(crate) mod reconcile;
pub(crate) mod registration;
pub(crate) mod roles;
pub(crate) mod tap;
pub(crate) mod tap_policy;
pub(crate) mod users;
