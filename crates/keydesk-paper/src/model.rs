//! What a caller hands the renderer: who a page is for and what it carries. These types
//! hold secrets (a PIN, a pass) only as long as a render takes: the PIN is a
//! `keydesk_core::Pin` and the pass a `Zeroizing` string, both wiped when dropped.

use keydesk_core::Pin;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::code::matching_code;

/// The address block of a letter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Recipient {
    /// Display name (the UPN is printed instead when empty).
    pub display_name: String,
    /// userPrincipalName.
    pub upn: String,
    /// Department, when the directory has one.
    pub department: Option<String>,
    /// Office location, when the directory has one.
    pub office: Option<String>,
}

impl Recipient {
    /// The name to print: the display name, or the UPN when there is none.
    pub fn name(&self) -> &str {
        if self.display_name.trim().is_empty() {
            &self.upn
        } else {
            &self.display_name
        }
    }
}

/// One PIN letter.
#[derive(Debug, Clone)]
pub struct PinLetter {
    /// Entra user id (with the serial, it makes the [`matching_code`]).
    pub user_id: String,
    /// Who it goes to.
    pub recipient: Recipient,
    /// Key model, e.g. "YubiKey 5 NFC".
    pub key_model: String,
    /// Key serial (or the key source's id when the key has none).
    pub key_serial: String,
    /// The PIN set on the key.
    pub pin: Pin,
    /// The key asks for a new PIN at first use (CTAP 2.1 forcePINChange was set).
    pub forced_change: bool,
    /// The key has a fingerprint reader (getInfo's `bioEnroll` option is present): the
    /// letter tells the user to enrol a fingerprint.
    pub biometric: bool,
}

impl PinLetter {
    /// The code printed on this letter and on its key's label.
    pub fn code(&self) -> String {
        matching_code(&self.user_id, &self.key_serial)
    }

    /// The label that goes on this letter's key.
    pub fn label(&self) -> KeyLabel {
        KeyLabel {
            display_name: self.recipient.name().to_owned(),
            code: self.code(),
        }
    }
}

/// One label of a key-label sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyLabel {
    /// Whose key it is.
    pub display_name: String,
    /// The [`matching_code`] of the key's letter.
    pub code: String,
}

/// One Temporary Access Pass letter.
#[derive(Debug, Clone)]
pub struct TapLetter {
    /// Who it goes to.
    pub recipient: Recipient,
    /// The pass, as Graph issued it.
    pub pass: Zeroizing<String>,
    /// When it starts to work.
    pub valid_from: OffsetDateTime,
    /// When it stops working.
    pub valid_until: OffsetDateTime,
    /// It works for one sign-in only.
    pub one_time: bool,
}
