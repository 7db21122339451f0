//! A queue read from a file (`keydesk_core::import::parse_user_list`) with challenges
//! fetched ahead by the Yubico sample: [`plant_imported`] resolves each row by its UPN and
//! puts a still-fresh challenge in the [`Prefetch`] cache, where the flow takes it like
//! any prefetched one (a stale one is dropped there and fetched again, never sent).
//!
//! A user who already holds passkeys gets no planted challenge: the file carries no
//! `excludeCredentials`, so the flow fetches fresh options that list them.

use keydesk_core::import::QueueEntry;
use keydesk_core::DirectoryUser;

use crate::directory::Directory;
use crate::prefetch::{Prefetch, FRESHNESS_MARGIN_SECS, REFRESH_SECS};
use crate::ProvisionError;

/// What became of the file's rows.
#[derive(Debug, Default)]
pub struct Imported {
    /// The rows' users as the directory knows them, in file order.
    pub users: Vec<DirectoryUser>,
    /// How many rows' challenges were planted.
    pub planted: usize,
    /// Rows whose user could not be read (UPN, why).
    pub unresolved: Vec<(String, ProvisionError)>,
}

/// Resolves `entries` by UPN and plants their fresh, usable challenges (see module docs).
pub async fn plant_imported(
    directory: &dyn Directory,
    prefetch: &Prefetch,
    entries: &[QueueEntry],
    now: i64,
) -> Imported {
    let mut out = Imported::default();
    for entry in entries {
        let user = match directory.user(&entry.upn).await {
            Ok(user) => user,
            Err(e) => {
                out.unresolved.push((entry.upn.clone(), e));
                continue;
            }
        };
        if let Some(challenge) = &entry.prefetched {
            let fresh = challenge.usable_at(now, FRESHNESS_MARGIN_SECS + REFRESH_SECS);
            let has_passkeys = match directory.passkeys(&user.id).await {
                Ok(keys) => !keys.is_empty(),
                Err(_) => true,
            };
            if fresh && !has_passkeys {
                let name = entry.display_name.as_deref().unwrap_or(&user.display_name);
                prefetch.plant(&user.id, challenge.to_creation_options(&user.upn, name));
                out.planted += 1;
            }
        }
        out.users.push(user);
    }
    out
}
