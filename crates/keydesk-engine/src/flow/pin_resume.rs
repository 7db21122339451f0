//! Which PIN a job's key has, when the job already sealed one: the rules that keep a
//! restart from guessing PINs on a key.
//!
//! A key is the job's key only by what it proves: the same serial (where the key exposes
//! one), never the OS port or device path it sits on. The sealed PIN is *confirmed* once
//! the key answered the setPIN/changePIN ([`crate::pin_mark`]); a crash between the answer
//! and the mark leaves it unconfirmed. Then:
//! - a key with no PIN gets a new one (nothing to try);
//! - a key that had no PIN when the job claimed it may be tried once with the escrowed
//!   PIN (the try is journaled before it, so a second restart never tries again);
//! - a key that already had a PIN when claimed is never tried: it is reported for reset
//!   ([`ProvisionError::PinUnknown`]).
//!
//! Not here: making, sealing or writing a PIN (`provision.rs`).

use keydesk_core::{DirectoryUser, Pin};
use keydesk_fido::{KeyInfo, SecurityKey};

use crate::journal::JobRecord;
use crate::pin_mark::{PinConfirmation, PinMarks};
use crate::{Context, ProvisionError};

/// The escrowed PIN of a job whose key came back.
pub(crate) enum EscrowedPin {
    /// The key confirmed this PIN: use it.
    Known(Pin),
    /// Unconfirmed, on a key that had no PIN when claimed: tried once (the try is
    /// journaled already).
    Trial(Pin),
}

impl EscrowedPin {
    /// The PIN, whichever it is.
    pub(crate) fn into_pin(self) -> Pin {
        match self {
            EscrowedPin::Known(pin) | EscrowedPin::Trial(pin) => pin,
        }
    }
}

/// What a job's key may be given, from the job's sealed PIN and marks. `None`: the key
/// has no PIN or is another key, so the operator's settings for a new PIN apply.
pub(crate) async fn escrowed_for_key(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    key: &dyn SecurityKey,
    info: &KeyInfo,
    job: Option<&JobRecord>,
) -> Result<Option<EscrowedPin>, ProvisionError> {
    if info.client_pin != Some(true) {
        return Ok(None);
    }
    let Some((job, sealed)) = job.and_then(|j| j.pin_sealed.as_deref().map(|s| (j, s))) else {
        return Ok(None);
    };
    let same_key = match (info.serial.as_deref(), job.key_serial.as_deref()) {
        (Some(now), Some(then)) if !now.is_empty() && !then.is_empty() => Some(now == then),
        _ => None,
    };
    if same_key == Some(false) {
        return Ok(None);
    }
    let marks = ctx.journal.pin_marks(&user.id)?.unwrap_or(PinMarks {
        had_pin: None,
        confirmation: PinConfirmation::Unconfirmed,
    });
    match decide(marks, same_key == Some(true)) {
        Decision::Use => Ok(Some(EscrowedPin::Known(ctx.escrow.open(&user.id, sealed)?))),
        Decision::TryOnce => {
            if key.pin_retries().await? <= 2 {
                return Err(ProvisionError::PinRetriesLow);
            }
            let pin = ctx.escrow.open(&user.id, sealed)?;
            ctx.journal.mark_pin_tried(&user.id)?;
            ctx.audit(
                "escrowed PIN tried",
                &user.id,
                "an unconfirmed PIN tried once on a key that had none when claimed",
            );
            Ok(Some(EscrowedPin::Trial(pin)))
        }
        Decision::Refuse => Err(ProvisionError::PinUnknown),
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Decision {
    Use,
    TryOnce,
    Refuse,
}

/// The rule, pure: `proven` is true when the key proved it is the job's key (its serial).
fn decide(marks: PinMarks, proven: bool) -> Decision {
    match (marks.confirmation, marks.had_pin) {
        (PinConfirmation::Confirmed, _) if proven => Decision::Use,
        (PinConfirmation::Confirmed | PinConfirmation::Unconfirmed, Some(false)) => {
            Decision::TryOnce
        }
        _ => Decision::Refuse,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(confirmation: PinConfirmation, had_pin: Option<bool>) -> PinMarks {
        PinMarks {
            had_pin,
            confirmation,
        }
    }

    #[test]
    fn a_key_that_had_a_pin_is_never_tried_with_an_unconfirmed_one() {
        use PinConfirmation::*;
        assert_eq!(decide(marks(Confirmed, Some(true)), true), Decision::Use);
        assert_eq!(
            decide(marks(Confirmed, Some(false)), false),
            Decision::TryOnce
        );
        assert_eq!(
            decide(marks(Unconfirmed, Some(false)), true),
            Decision::TryOnce
        );
        assert_eq!(
            decide(marks(Unconfirmed, Some(true)), true),
            Decision::Refuse
        );
        assert_eq!(
            decide(marks(Confirmed, Some(true)), false),
            Decision::Refuse
        );
        assert_eq!(decide(marks(Unconfirmed, None), true), Decision::Refuse);
        assert_eq!(decide(marks(Tried, Some(false)), true), Decision::Refuse);
    }
}
