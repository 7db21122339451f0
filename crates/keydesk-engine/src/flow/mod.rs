//! The flow: what happens to a user, from the queue to a registered passkey and after.
//!
//! [`provision`] works one user ([`provision::provision_user`]) over a [`context::Context`]
//! (the ports, the store, the settings and the clock every step shares); [`resume`] settles
//! a job a crash or a lost answer left unfinished; [`after`] is what surrounds the key work
//! (the tenant pre-flight, read-back, self-test, inventory); [`group_move`] moves a
//! registered user between groups; [`batch`] works a list over several keys with
//! [`prefetch`] keeping challenges and passkey listings warm ([`batch_summary`] says what it did) ([`imported`] plants those a
//! file brought) and [`policy_cache`] reading the FIDO2 policy once; [`queue`] and
//! [`lost`] are the operator's queue and lost-key operations; [`passkeys`] lists a user's
//! existing passkeys and deletes one the operator confirmed; [`letters`] gathers the PIN
//! letters still to deliver and confirms their delivery; [`phone`] hands out a phone with
//! a passkey in Microsoft Authenticator (a Temporary Access Pass, then watching for the
//! passkey; its types are in [`phone_types`]); [`tap_batch`] issues passes for a list of
//! users, for onboarding letters; [`user_list`] reads a users file into a queue; [`membership`] keeps a list of names to the configured
//! group; `pin_resume` decides which PIN a returning key may be given.
//!
//! Not here: I/O of its own. Graph and keys are reached through the ports (`ports/`),
//! files through the store (`store/`); the pure checks are [`crate::preflight`].

pub mod after;
pub mod batch;
pub mod batch_summary;
pub mod context;
pub mod group_move;
pub mod imported;
pub mod letters;
pub mod lost;
pub mod membership;
pub mod passkeys;
pub mod phone;
pub mod phone_types;
pub(crate) mod pin_resume;
pub mod policy_cache;
pub mod prefetch;
pub mod provision;
pub mod queue;
pub mod resume;
pub mod tap_batch;
pub mod user_list;
