//! Delivering PINs: the registered users whose PIN is still in escrow, with everything
//! their letter prints ([`pending`]), and the confirmation that a letter is out
//! ([`confirm_delivered`]): the escrowed PIN is wiped, the key's inventory entry records
//! when its letter was issued (never the PIN) and the audit log says who confirmed it.
//!
//! Not here: rendering (the `keydesk-paper` crate) or writing a file (the caller writes
//! and syncs it, then confirms).

use keydesk_core::Pin;

use crate::audit::AuditLog;
use crate::context::system_now;
use crate::error::ProvisionError;
use crate::escrow::Escrow;
use crate::journal::Journal;

/// One letter ready to print: the PIN opened from escrow and what the page says.
#[derive(Debug, Clone)]
pub struct PendingLetter {
    /// Entra user id.
    pub user_id: String,
    /// UPN.
    pub upn: String,
    /// Display name (the UPN when the job recorded none).
    pub display_name: String,
    /// Department, when known (the journal does not keep it yet: always `None`).
    pub department: Option<String>,
    /// Office location, when known (the journal does not keep it yet: always `None`).
    pub office: Option<String>,
    /// Key model.
    pub key_model: String,
    /// Key serial (or the key source's id).
    pub key_serial: String,
    /// Key AAGUID.
    pub key_aaguid: String,
    /// The key has a fingerprint reader (getInfo's `bioEnroll`).
    pub biometric: bool,
    /// The key asks for a new PIN at first use.
    pub forced_change: bool,
    /// The PIN.
    pub pin: Pin,
}

/// Which users' letters to gather.
#[derive(Debug, Clone, Copy)]
pub enum Selection<'a> {
    /// Every registered user whose PIN is still in escrow.
    Unprinted,
    /// These users (UPN or object id), in this order.
    Users(&'a [String]),
}

/// What [`pending`] found.
#[derive(Debug, Default)]
pub struct Pending {
    /// Letters ready to print.
    pub letters: Vec<PendingLetter>,
    /// Users asked for by name who have no PIN waiting (unknown, not registered, or
    /// their letter already delivered).
    pub without_pin: Vec<String>,
}

/// The letters of `selection`, PINs opened from escrow.
pub fn pending(
    journal: &Journal,
    escrow: &Escrow,
    selection: Selection<'_>,
) -> Result<Pending, ProvisionError> {
    let jobs = journal.undelivered()?;
    let chosen: Vec<_> = match selection {
        Selection::Unprinted => jobs.iter().collect(),
        Selection::Users(users) => users
            .iter()
            .filter_map(|u| {
                jobs.iter()
                    .find(|j| j.user_id == *u || j.upn.eq_ignore_ascii_case(u))
            })
            .collect(),
    };
    let without_pin = match selection {
        Selection::Unprinted => Vec::new(),
        Selection::Users(users) => users
            .iter()
            .filter(|u| {
                !chosen
                    .iter()
                    .any(|j| j.user_id == **u || j.upn.eq_ignore_ascii_case(u))
            })
            .cloned()
            .collect(),
    };
    let mut letters = Vec::with_capacity(chosen.len());
    for job in chosen {
        if letters
            .iter()
            .any(|l: &PendingLetter| l.user_id == job.user_id)
        {
            continue;
        }
        letters.push(PendingLetter {
            pin: escrow.open(&job.user_id, &job.pin_sealed)?,
            user_id: job.user_id.clone(),
            upn: job.upn.clone(),
            display_name: job
                .display_name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| job.upn.clone()),
            department: None,
            office: None,
            key_model: job.key_model.clone(),
            key_serial: job.key_serial.clone(),
            key_aaguid: job.key_aaguid.clone(),
            biometric: job.biometric,
            forced_change: job.pin_change_forced,
        });
    }
    Ok(Pending {
        letters,
        without_pin,
    })
}

/// The user's letter is out (`how`: e.g. "letter issued", "letter printed", "PIN
/// shown"): wipes the escrowed PIN, records the letter in the inventory and writes an
/// audit line. Returns whether a PIN was wiped (false: it was already gone).
pub fn confirm_delivered(
    journal: &Journal,
    audit: Option<&AuditLog>,
    operator: &str,
    user_id: &str,
    how: &str,
) -> Result<bool, ProvisionError> {
    let wiped = journal.wipe_pin(user_id)?;
    if !wiped {
        return Ok(false);
    }
    let now = system_now();
    let inventoried = journal.record_letter_issued(user_id, now)?;
    if let Some(log) = audit {
        let detail = if inventoried {
            "escrowed PIN wiped; inventory records the letter"
        } else {
            "escrowed PIN wiped"
        };
        if let Err(e) = log.append(journal, now, operator, how, user_id, detail) {
            tracing::error!(error = %e, "audit log not written");
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemoryStore;
    use keydesk_core::job::JobEvent;

    fn registered(j: &Journal, escrow: &Escrow, user: &str, upn: &str, pin: &str) {
        j.advance(user, upn, JobEvent::OptionsFetched, None)
            .unwrap();
        j.record_key(user, "SN", "Soft Key", "aa").unwrap();
        j.record_letter_facts(user, "", false).unwrap();
        let sealed = escrow.seal(user, &Pin::new(pin)).unwrap();
        j.record_setting_pin(user, upn, &sealed).unwrap();
        j.advance(user, upn, JobEvent::CredentialStarted, None)
            .unwrap();
        let attempt = keydesk_graph::Attempt {
            before: vec![],
            display_name: None,
            aaguid: None,
            credential_id: "Y3JlZA".into(),
            graph_time: None,
            local_time: 0,
        };
        j.record_posting(user, upn, &attempt).unwrap();
        j.record_registered(user, upn, JobEvent::Registered, "m", "Key")
            .unwrap();
    }

    #[test]
    fn pending_letters_open_their_pins_and_a_confirmed_one_is_gone() {
        let j = Journal::in_memory().unwrap();
        let escrow = Escrow::new(&MemoryStore::default()).unwrap();
        registered(&j, &escrow, "u1", "kim@x", "482915");
        registered(&j, &escrow, "u2", "sam@x", "730264");

        let all = pending(&j, &escrow, Selection::Unprinted).unwrap();
        assert_eq!(all.letters.len(), 2);
        assert_eq!(all.letters[0].pin.expose(), "482915");
        assert_eq!(all.letters[0].display_name, "kim@x", "no name: the UPN");

        let asked = ["SAM@x".to_owned(), "nobody@x".to_owned()];
        let some = pending(&j, &escrow, Selection::Users(&asked)).unwrap();
        assert_eq!(some.letters.len(), 1);
        assert_eq!(some.letters[0].user_id, "u2");
        assert_eq!(some.without_pin, vec!["nobody@x".to_owned()]);

        assert!(confirm_delivered(&j, None, "op", "u1", "letter issued").unwrap());
        assert!(!confirm_delivered(&j, None, "op", "u1", "letter issued").unwrap());
        let left = pending(&j, &escrow, Selection::Unprinted).unwrap();
        assert_eq!(left.letters.len(), 1);
        assert_eq!(left.letters[0].user_id, "u2");
    }
}
