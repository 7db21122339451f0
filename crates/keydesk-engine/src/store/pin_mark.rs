//! What the journal knows about a job's PIN on its key, besides the sealed PIN itself:
//! whether the key had a PIN when the job claimed it (`jobs.pin_before`) and whether the
//! key answered the setPIN/changePIN that the sealed PIN was journaled for
//! (`jobs.pin_confirmed`). A crash between the key's answer and the mark leaves the PIN
//! unconfirmed: the resume rules in `flow/pin_resume.rs` decide what may be tried.
//! Columns are made in `schema`.

use keydesk_core::job::JobEvent;
use rusqlite::{params, OptionalExtension, ToSql};

use crate::journal::{Journal, JournalError};

/// Whether the key answered the PIN write the sealed PIN was journaled for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinConfirmation {
    /// Journaled, but no answer from the key was recorded (a crash, a pulled key).
    Unconfirmed,
    /// The key accepted the PIN, or a PIN-using operation succeeded with it.
    Confirmed,
    /// Unconfirmed, and already tried once after a restart: never tried again.
    Tried,
}

/// A job's PIN marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinMarks {
    /// Whether the key had a PIN when the job claimed it; `None` when not recorded (a
    /// journal from an older KeyDesk: treated as "had one", so never tried).
    pub had_pin: Option<bool>,
    /// The answer to the PIN write.
    pub confirmation: PinConfirmation,
}

impl Journal {
    /// Moves to `SettingPin` with the sealed PIN, before the PIN goes to the key, and
    /// records in the same transaction whether the key had a PIN when it was claimed; the
    /// PIN is unconfirmed until [`Journal::confirm_pin`].
    pub fn record_setting_pin_on(
        &self,
        user_id: &str,
        upn: &str,
        sealed: &[u8],
        had_pin: bool,
    ) -> Result<(), JournalError> {
        let extra: [(&str, &dyn ToSql); 3] = [
            ("pin_sealed", &sealed),
            ("pin_before", &had_pin),
            ("pin_confirmed", &0),
        ];
        self.advance_with(user_id, upn, JobEvent::PinStarted, None, &extra)
            .map(drop)
    }

    /// The key answered: the sealed PIN is the key's PIN.
    pub fn confirm_pin(&self, user_id: &str) -> Result<(), JournalError> {
        self.set_confirmation(user_id, 1)
    }

    /// An unconfirmed PIN is about to be tried once (written before the try).
    pub fn mark_pin_tried(&self, user_id: &str) -> Result<(), JournalError> {
        self.set_confirmation(user_id, 2)
    }

    fn set_confirmation(&self, user_id: &str, value: i64) -> Result<(), JournalError> {
        self.lock().execute(
            "UPDATE jobs SET pin_confirmed = ?2 WHERE user_id = ?1",
            params![user_id, value],
        )?;
        Ok(())
    }

    /// The job's PIN marks (`None` for a user without a job).
    pub fn pin_marks(&self, user_id: &str) -> Result<Option<PinMarks>, JournalError> {
        let row: Option<(Option<bool>, i64)> = self
            .lock()
            .query_row(
                "SELECT pin_before, pin_confirmed FROM jobs WHERE user_id = ?1",
                [user_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(row.map(|(had_pin, confirmed)| PinMarks {
            had_pin,
            // An unknown value fails closed: never tried.
            confirmation: match confirmed {
                0 => PinConfirmation::Unconfirmed,
                1 => PinConfirmation::Confirmed,
                _ => PinConfirmation::Tried,
            },
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_follow_the_pin_write_and_survive_as_columns() {
        let journal = Journal::in_memory().unwrap();
        journal.enqueue("u", "kim@contoso.com").unwrap();
        let marks = journal.pin_marks("u").unwrap().unwrap();
        assert_eq!(marks.had_pin, None);
        journal
            .advance("u", "kim@contoso.com", JobEvent::OptionsFetched, None)
            .unwrap();
        journal
            .record_setting_pin_on("u", "kim@contoso.com", b"sealed", false)
            .unwrap();
        let marks = journal.pin_marks("u").unwrap().unwrap();
        assert_eq!(marks.had_pin, Some(false));
        assert_eq!(marks.confirmation, PinConfirmation::Unconfirmed);
        journal.mark_pin_tried("u").unwrap();
        assert_eq!(
            journal.pin_marks("u").unwrap().unwrap().confirmation,
            PinConfirmation::Tried
        );
        journal.confirm_pin("u").unwrap();
        assert_eq!(
            journal.pin_marks("u").unwrap().unwrap().confirmation,
            PinConfirmation::Confirmed
        );
        assert_eq!(journal.pin_marks("nobody").unwrap(), None);
    }
}
