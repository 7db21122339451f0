//! Learning whether a register POST reached Entra when its answer was lost or the process
//! died while it was in flight.
//!
//! Microsoft documents no relation between a passkey's method id and its credential id
//! (the v1.0 register sample even returns a GUID), so matching never depends on one.
//! Before the POST the caller takes an [`Attempt`]: the user's method ids at that moment,
//! the display name sent, the key's AAGUID and Graph's clock (the listing's `Date`
//! header). Afterwards a method is ours when it is new since that listing, carries that
//! display name and AAGUID, and was created no earlier than the attempt (less
//! [`CREATED_TOLERANCE_SECS`]). A method id that also decodes to the credential id is a
//! stronger match that settles a tie, never a required one. Display names need not be
//! unique: two candidates are a tie, never a guess.
//!
//! Graph's listing can lag behind a registration (by how much is undocumented): an empty
//! answer means [`Verdict::Absent`] only once [`crate::GraphConfig::listing_lag`] has
//! passed since the attempt on Graph's clock. Before that, and for ties,
//! [`crate::GraphClient::find_registration`] reads again with backoff for a bounded time,
//! then answers [`Verdict::Unsure`]: the caller must not register again on its own.

use std::time::Duration;

use keydesk_core::b64;
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::registration::Registration;
use crate::{GraphError, Passkey};

/// How much earlier than the attempt a passkey's `createdDateTime` may be and still be
/// ours: the `Date` header and `createdDateTime` come from different Graph machines.
pub const CREATED_TOLERANCE_SECS: i64 = 120;

/// A user's passkeys as listed at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyListing {
    /// Every passkey listed.
    pub passkeys: Vec<Passkey>,
    /// Graph's clock when it answered (`Date` header), Unix seconds, when it sent one.
    pub graph_time: Option<i64>,
    /// This machine's clock when the answer arrived, Unix seconds.
    pub local_time: i64,
}

/// What is known just before a register POST, to recognise its passkey afterwards. It is
/// journaled before the POST leaves, so a restart can use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    /// Method ids the user had just before the POST.
    pub before: Vec<String>,
    /// The display name as sent; `None` when none was sent.
    pub display_name: Option<String>,
    /// The key's AAGUID, lower-case and hyphenated, when known.
    pub aaguid: Option<String>,
    /// The credential id the key made, unpadded base64url.
    pub credential_id: String,
    /// Graph's clock at the listing taken before the POST, when it sent one.
    pub graph_time: Option<i64>,
    /// This machine's clock at the same moment.
    pub local_time: i64,
}

impl Attempt {
    /// The attempt to register `registration` for a user whose passkeys are `listing`.
    pub fn new(
        listing: &PasskeyListing,
        registration: &Registration,
        aaguid: Option<&str>,
    ) -> Attempt {
        Attempt {
            before: listing.passkeys.iter().map(|p| p.id.clone()).collect(),
            display_name: registration.sent_display_name().map(str::to_owned),
            aaguid: aaguid.map(|a| a.to_ascii_lowercase()),
            credential_id: b64::encode(&registration.credential_id),
            graph_time: listing.graph_time,
            local_time: listing.local_time,
        }
    }
}

impl Attempt {
    /// The same attempt made again at `local_now` (this machine's clock, whole seconds): a
    /// POST sent again. Both clocks move to that moment (Graph's by the same amount, one
    /// second more for the whole-second reading), so a listing is never judged older than
    /// it is relative to the later POST. The passkeys before stay those before the first.
    pub fn made_again_at(mut self, local_now: i64) -> Attempt {
        let shift = local_now
            .saturating_sub(self.local_time)
            .max(0)
            .saturating_add(1);
        self.graph_time = self.graph_time.map(|t| t.saturating_add(shift));
        self.local_time = self.local_time.saturating_add(shift);
        self
    }
}

/// What a listing says about an [`Attempt`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// This passkey is the attempt's.
    Registered(Passkey),
    /// The attempt left no passkey: the listing lag has passed and nothing matches.
    Absent,
    /// Cannot tell yet: no match while the listing may still lag, or several candidates.
    Unsure(Vec<Passkey>),
}

/// Judges one listing (module docs); `lag` is how long a new passkey may take to appear.
pub fn judge(attempt: &Attempt, listing: &PasskeyListing, lag: Duration) -> Verdict {
    let new: Vec<&Passkey> = listing
        .passkeys
        .iter()
        .filter(|p| !attempt.before.contains(&p.id))
        .collect();
    let credential = b64::decode_lenient(&attempt.credential_id).unwrap_or_default();
    let strong: Vec<&&Passkey> = new
        .iter()
        .filter(|p| !credential.is_empty() && b64::readings(&p.id).contains(&credential))
        .collect();
    if let [only] = strong.as_slice() {
        return Verdict::Registered((**only).clone());
    }
    let candidates: Vec<Passkey> = new
        .into_iter()
        .filter(|p| fits(attempt, p))
        .cloned()
        .collect();
    let elapsed = elapsed_secs(attempt, listing);
    let lag = i64::try_from(lag.as_secs()).unwrap_or(i64::MAX);
    match candidates.len() {
        1 => Verdict::Registered(candidates.into_iter().next().expect("one candidate")),
        0 if elapsed >= lag => Verdict::Absent,
        _ => Verdict::Unsure(candidates),
    }
}

/// Seconds that have surely passed from the attempt to `listing`: on Graph's clock when
/// both carry it, else on this machine's. Both readings are whole seconds (a `Date` header
/// has no fraction), so one second is taken off: 10.999 → 12.0 reads as 2 but is 1.001.
/// Clocks too far apart to subtract (a corrupt journal) give `i64::MIN`: no time surely
/// passed, so nothing is ever judged absent on their account.
pub fn elapsed_secs(attempt: &Attempt, listing: &PasskeyListing) -> i64 {
    let whole = match (attempt.graph_time, listing.graph_time) {
        (Some(before), Some(now)) => now.checked_sub(before),
        _ => listing.local_time.checked_sub(attempt.local_time),
    };
    whole.and_then(|w| w.checked_sub(1)).unwrap_or(i64::MIN)
}

/// Display name, AAGUID and creation time agree with the attempt, as far as both sides
/// say (an absent field on Graph's side excludes nothing).
fn fits(attempt: &Attempt, passkey: &Passkey) -> bool {
    let name = match (&attempt.display_name, &passkey.display_name) {
        (Some(sent), Some(listed)) => sent.trim() == listed.trim(),
        (Some(_), None) => false,
        (None, _) => true,
    };
    let aaguid = match (&attempt.aaguid, &passkey.aaguid) {
        (Some(ours), Some(listed)) => ours.eq_ignore_ascii_case(listed.trim()),
        _ => true,
    };
    let created = match (
        attempt.graph_time,
        passkey.created.as_deref().and_then(unix),
    ) {
        (Some(started), Some(created)) => created >= started.saturating_sub(CREATED_TOLERANCE_SECS),
        _ => true,
    };
    name && aaguid && created
}

fn unix(rfc3339: &str) -> Option<i64> {
    OffsetDateTime::parse(rfc3339.trim(), &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

/// Whether a failed write may nevertheless have been carried out.
pub fn outcome_unknown(error: &GraphError) -> bool {
    match error {
        GraphError::Timeout | GraphError::Network(_) | GraphError::Malformed { .. } => true,
        GraphError::Api { status, .. } => (500..=599).contains(status),
        _ => false,
    }
}

#[cfg(test)]
#[path = "reconcile_tests.rs"]
mod tests;
