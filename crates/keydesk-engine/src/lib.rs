//! The provisioning engine, shared by the app and the command line.
//!
//! [`provision::provision_user`] takes one user from pre-flight to a registered passkey;
//! [`batch::run`] works a list of users over several keys at once, with
//! [`prefetch::Prefetch`] keeping creation options warm; [`journal::Journal`] records each
//! job's state in SQLite **before** every side effect, through the pure state machine of
//! `keydesk_core::job`, so a restart at any point resumes ([`resume`]) without a double
//! registration or a lost PIN. PINs are kept sealed ([`escrow`]) until the letter is
//! printed ([`letter_printed`], [`letters`]); [`inventory`] and [`lost`] track keys;
//! [`audit`] is the HMAC-chained log. The engine talks to Graph through the [`directory::Directory`] port
//! ([`graph_directory`] adapts `GraphClient`) and to keys through `keydesk_fido`.
//!
//! After a registration, [`group_move`] adds the user to the "provisioned" group and
//! removes them from the queue group, when the settings ask. [`phone`] hands out a phone
//! with a passkey in Microsoft Authenticator through a Temporary Access Pass (the
//! [`passes`] port) and [`tap_batch`] issues passes for letters; [`report`] turns the
//! journal and inventory into the desk's CSV reports.
//!
//! Layout: `flow/` is what happens to a user ([`context`], [`provision`], [`resume`],
//! [`after`], [`group_move`], [`batch`], [`prefetch`], [`queue`], [`lost`], [`letters`]);
//! `store/` what the data folder keeps ([`journal`] and its schema, [`inventory`],
//! [`letter_facts`], [`escrow`], [`audit`], [`secrets`], [`lock`]); `ports/` how the flow reaches Graph and keys ([`directory`],
//! [`graph_directory`], [`keys`], [`hid_keys`]). At the root: [`error`], the pure
//! [`preflight`] checks, [`metadata`] (the FIDO metadata BLOB's verdicts), [`settings`],
//! [`step`], [`tenant_check`] (the read-only tenant check of `keydesk-cli check` and the
//! app's connection screen) and [`station`], which opens a data folder and hands out a
//! [`Context`]. The folders are private and their modules re-exported
//! here, so every public path is `keydesk_engine::<module>`. Dependencies point one way:
//! `flow/` uses `ports/` and `store/`, never the reverse.
//!
//! Known issues:
//! - A directory that cannot read the FIDO2 policy skips the policy pre-flight with a
//!   warning.
//! - A group move that failed (a warning) is not retried by a later run; the rerun
//!   answers "already registered".
//! - A key reset must follow a re-plug within 10 s: the UI asks for it before the job.

mod flow;
mod ports;
mod store;

pub mod error;
pub mod logging;
pub mod metadata;
pub mod preflight;
pub mod report;
pub mod settings;
pub mod station;
pub mod step;
pub mod tenant_check;

// The folders group the source by concern; the public paths stay one level deep.
use flow::pin_resume;
pub use flow::{
    after, batch, batch_summary, context, group_move, imported, letters, lost, membership,
    passkeys, phone, phone_types, policy_cache, prefetch, provision, queue, resume, tap_batch,
    user_list,
};
pub use ports::{directory, graph_directory, hid_keys, keys, passes};
pub use store::{
    audit, escrow, inventory, journal, key_home, letter_facts, lock, mirror, pin_mark, port,
    queue_order, secrets, station_pass,
};

use keydesk_core::Pin;

pub use context::{system_now, Context, Provisioned};
pub use directory::Directory;
pub use error::ProvisionError;
pub use escrow::Escrow;
pub use journal::Journal;
pub use provision::provision_user;
pub use settings::Settings;
pub use step::Step;

/// The operator confirmed the user's PIN letter is printed: the escrowed PIN is wiped,
/// the inventory records the letter and the audit log says who confirmed it
/// ([`letters::confirm_delivered`]). Returns whether there was one.
pub fn letter_printed(
    journal: &Journal,
    audit: Option<&audit::AuditLog>,
    operator: &str,
    user_id: &str,
) -> Result<bool, ProvisionError> {
    letters::confirm_delivered(journal, audit, operator, user_id, "letter printed")
}

/// The escrowed PIN of a user whose letter is not printed yet (e.g. after a restart).
pub fn escrowed_pin(ctx: &Context<'_>, user_id: &str) -> Result<Option<Pin>, ProvisionError> {
    match ctx.journal.job(user_id)?.and_then(|j| j.pin_sealed) {
        Some(sealed) => Ok(Some(ctx.escrow.open(user_id, &sealed)?)),
        None => Ok(None),
    }
}
