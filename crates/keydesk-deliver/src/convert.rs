//! The engine's facts as the paper crate's inputs, field by field.

use keydesk_engine::letters::{LabelFacts, PendingLetter};
use keydesk_engine::tap_batch::IssuedPass;
use keydesk_paper::{matching_code, KeyLabel, PinLetter, Recipient, TapLetter};
use time::OffsetDateTime;
use zeroize::Zeroizing;

/// A PIN letter for an escrowed PIN (the PIN is copied into the letter, still zeroized).
pub fn pin_letter(l: &PendingLetter) -> PinLetter {
    PinLetter {
        user_id: l.user_id.clone(),
        recipient: Recipient {
            display_name: l.display_name.clone(),
            upn: l.upn.clone(),
            department: l.department.clone(),
            office: l.office.clone(),
        },
        key_model: l.key_model.clone(),
        key_serial: l.key_serial.clone(),
        pin: l.pin.clone(),
        forced_change: l.forced_change,
        biometric: l.biometric,
    }
}

/// A key label: the user's name and the code their PIN letter prints too.
pub fn key_label(f: &LabelFacts) -> KeyLabel {
    KeyLabel {
        display_name: f.display_name.clone(),
        code: matching_code(&f.user_id, &f.key_serial),
    }
}

/// An onboarding letter for an issued Temporary Access Pass.
pub fn tap_letter(pass: &IssuedPass) -> TapLetter {
    TapLetter {
        recipient: Recipient {
            display_name: pass.display_name.clone(),
            upn: pass.upn.clone(),
            department: None,
            office: None,
        },
        pass: Zeroizing::new(pass.pass.expose().to_owned()),
        valid_from: at(pass.start),
        valid_until: at(pass.end),
        one_time: pass.one_time,
    }
}

fn at(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}
