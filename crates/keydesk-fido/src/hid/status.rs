//! The one place where ctap-hid-fido2's `anyhow` error strings become [`KeyError`]s.
//!
//! The crate reports a CTAP status as text, e.g. `"response_status err = 0x31
//! CTAP2_ERR_PIN_INVALID   PIN Invalid."` (known codes) or `"response_status err = 0x7E"`
//! (codes it does not know), a HID read failure as `"read err = 0xFE"` and a write failure
//! as `"write error"`. Read/write failures mean the device went away in practice (hidapi
//! gives no finer reason), so they map to [`KeyError::Removed`].

use crate::error::KeyError;

/// Maps one of the crate's error messages to a typed error.
pub fn from_message(message: &str) -> KeyError {
    if let Some(code) = status_byte(message) {
        return KeyError::from_status_byte(code);
    }
    let lower = message.to_ascii_lowercase();
    if lower.contains("read err")
        || lower.contains("write error")
        || lower.contains("no such device")
    {
        return KeyError::Removed;
    }
    if lower.contains("permission denied") || lower.contains("access is denied") {
        return KeyError::no_permission();
    }
    KeyError::Transport(message.to_owned())
}

/// [`from_message`] for an `anyhow::Error` (its whole context chain is searched).
pub fn from_anyhow(error: &anyhow::Error) -> KeyError {
    from_message(&format!("{error:#}"))
}

/// The status byte in `"response_status err = 0xNN ..."` or `"0xNN CTAP..."`.
fn status_byte(message: &str) -> Option<u8> {
    const MARKER: &str = "response_status err = 0x";
    if let Some(at) = message.find(MARKER) {
        return hex_byte(&message[at + MARKER.len()..]);
    }
    // Elsewhere the crate embeds the bare message: "0x31 CTAP2_ERR_PIN_INVALID ...".
    message.match_indices("0x").find_map(|(at, _)| {
        let rest = &message[at + 2..];
        let digits = rest.chars().take_while(char::is_ascii_hexdigit).count();
        let tail = &rest[digits..];
        (tail.starts_with(" CTAP"))
            .then(|| hex_byte(rest))
            .flatten()
    })
}

fn hex_byte(s: &str) -> Option<u8> {
    let digits: String = s.chars().take_while(char::is_ascii_hexdigit).collect();
    if digits.is_empty() || digits.len() > 2 {
        return None;
    }
    u8::from_str_radix(&digits, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::CtapStatus;

    #[test]
    fn every_modelled_status_maps_from_the_crates_message() {
        for status in CtapStatus::ALL {
            let code = status.code();
            // The shapes ctap-hid-fido2 3.6 produces: known codes with a name, and bare.
            let named = format!("response_status err = 0x{code:02X} CTAP2_ERR_SOMETHING   text.");
            let bare = format!("response_status err = 0x{code:X}");
            let embedded = format!("pin: 0x{code:02X} CTAP2_ERR_X y");
            for message in [named, bare, embedded] {
                assert_eq!(from_message(&message), KeyError::ctap(status), "{message}");
            }
        }
    }

    #[test]
    fn the_crates_exact_strings() {
        let cases = [
            ("response_status err = 0x31 CTAP2_ERR_PIN_INVALID   PIN Invalid.", CtapStatus::PinInvalid),
            ("response_status err = 0x2F CTAP2_ERR_USER_ACTION_TIMEOUT   Timeout waiting for user interaction.", CtapStatus::UserActionTimeout),
            ("response_status err = 0x19 CTAP2_ERR_CREDENTIAL_EXCLUDED Valid credential found in the exclude list.", CtapStatus::CredentialExcluded),
            ("response_status err = 0x37 CTAP2_ERR_PIN_POLICY_VIOLATION PIN policy violation.", CtapStatus::PinPolicyViolation),
        ];
        for (message, status) in cases {
            assert_eq!(from_message(message), KeyError::ctap(status));
        }
    }

    #[test]
    fn unknown_codes_and_transport_failures() {
        assert_eq!(
            from_message("response_status err = 0xE0"),
            KeyError::UnknownStatus(0xE0)
        );
        assert_eq!(from_message("read err = 0xFE"), KeyError::Removed);
        assert_eq!(from_message("write error"), KeyError::Removed);
        assert!(matches!(
            from_message("Failed to open device."),
            KeyError::Transport(m) if m == "Failed to open device."
        ));
        assert!(matches!(
            from_message("hidapi: Permission denied"),
            KeyError::NoPermission { .. }
        ));
        // "0x" not followed by a CTAP name is not a status.
        assert!(matches!(
            from_message("bad length 0x40 bytes"),
            KeyError::Transport(_)
        ));
    }
}
