//! Delivering PINs: the registered users whose PIN is still in escrow, with everything
//! their letter prints ([`pending`]), what their keys' labels print ([`labels`]), and the confirmation that a letter is out
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
use crate::journal::{Journal, JournalError};
use crate::letter_facts::LetterJob;
use crate::port::LetterStore;

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

/// What a key's label prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelFacts {
    /// Entra user id.
    pub user_id: String,
    /// UPN.
    pub upn: String,
    /// Display name (the UPN when the job recorded none).
    pub display_name: String,
    /// Key serial (or the key source's id): with the user id, it makes the matching code.
    pub key_serial: String,
}

/// The registered jobs `selection` names, in its order, and the names it gave that
/// match none. `undelivered_only` keeps only jobs whose PIN is still in escrow.
fn select(
    store: &dyn LetterStore,
    selection: Selection<'_>,
    undelivered_only: bool,
) -> Result<(Vec<LetterJob>, Vec<String>), ProvisionError> {
    let jobs = store
        .letter_jobs(undelivered_only)
        .map_err(|e| ProvisionError::Journal(JournalError::Shared(Box::new(e))))?;
    let users = match selection {
        Selection::Unprinted => return Ok((jobs, Vec::new())),
        Selection::Users(users) => users,
    };
    let mut chosen: Vec<LetterJob> = Vec::new();
    let mut unmatched = Vec::new();
    for wanted in users {
        let found = jobs
            .iter()
            .find(|j| j.user_id == *wanted || j.upn.eq_ignore_ascii_case(wanted));
        match found {
            Some(job) if !chosen.iter().any(|c| c.user_id == job.user_id) => {
                chosen.push(job.clone());
            }
            Some(_) => {}
            None => unmatched.push(wanted.clone()),
        }
    }
    Ok((chosen, unmatched))
}

fn name_of(job: &LetterJob) -> String {
    job.display_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| job.upn.clone())
}

/// The letters of `selection` in `store` (the journal, or a shared store), PINs opened
/// from escrow.
pub fn pending(
    store: &dyn LetterStore,
    escrow: &Escrow,
    selection: Selection<'_>,
) -> Result<Pending, ProvisionError> {
    let (jobs, without_pin) = select(store, selection, true)?;
    let mut letters = Vec::with_capacity(jobs.len());
    for job in jobs {
        let Some(sealed) = &job.pin_sealed else {
            continue;
        };
        letters.push(PendingLetter {
            pin: escrow.open(&job.user_id, sealed)?,
            display_name: name_of(&job),
            user_id: job.user_id,
            upn: job.upn,
            department: job.department,
            office: job.office,
            key_model: job.key_model,
            key_serial: job.key_serial,
            key_aaguid: job.key_aaguid,
            biometric: job.biometric,
            forced_change: job.pin_change_forced,
        });
    }
    Ok(Pending {
        letters,
        without_pin,
    })
}

/// The labels of `selection`: with [`Selection::Unprinted`] the keys whose letter is not
/// delivered yet; named users' keys whether or not their letter is out. The second
/// list holds the names that match no registered user.
pub fn labels(
    store: &dyn LetterStore,
    selection: Selection<'_>,
) -> Result<(Vec<LabelFacts>, Vec<String>), ProvisionError> {
    let undelivered_only = matches!(selection, Selection::Unprinted);
    let (jobs, unmatched) = select(store, selection, undelivered_only)?;
    let labels = jobs
        .iter()
        .map(|job| LabelFacts {
            user_id: job.user_id.clone(),
            upn: job.upn.clone(),
            display_name: name_of(job),
            key_serial: job.key_serial.clone(),
        })
        .collect();
    Ok((labels, unmatched))
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
        let (named, unmatched) = labels(&j, Selection::Users(&asked[..1])).unwrap();
        assert_eq!((named.len(), unmatched.len()), (1, 0));
        let users = ["kim@x".to_owned()];
        assert_eq!(
            labels(&j, Selection::Users(&users)).unwrap().0.len(),
            1,
            "delivered"
        );
        assert_eq!(
            labels(&j, Selection::Unprinted).unwrap().0.len(),
            1,
            "u2 only"
        );
        let left = pending(&j, &escrow, Selection::Unprinted).unwrap();
        assert_eq!(left.letters.len(), 1);
        assert_eq!(left.letters[0].user_id, "u2");
    }
}
