//! What a key can answer besides success.

/// CTAP2 status codes KeyDesk meets (CTAP 2.1 §8.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum CtapStatus {
    /// 0x01 CTAP1_ERR_INVALID_COMMAND.
    InvalidCommand = 0x01,
    /// 0x02 CTAP1_ERR_INVALID_PARAMETER.
    InvalidParameter = 0x02,
    /// 0x03 CTAP1_ERR_INVALID_LENGTH.
    InvalidLength = 0x03,
    /// 0x05 CTAP1_ERR_TIMEOUT (a CTAPHID message timed out).
    MessageTimeout = 0x05,
    /// 0x06 CTAP1_ERR_CHANNEL_BUSY: another channel is using the key.
    ChannelBusy = 0x06,
    /// 0x11 CTAP2_ERR_CBOR_UNEXPECTED_TYPE.
    CborUnexpectedType = 0x11,
    /// 0x12 CTAP2_ERR_INVALID_CBOR.
    InvalidCbor = 0x12,
    /// 0x14 CTAP2_ERR_MISSING_PARAMETER.
    MissingParameter = 0x14,
    /// 0x19 CTAP2_ERR_CREDENTIAL_EXCLUDED: the key already holds a credential for this user.
    CredentialExcluded = 0x19,
    /// 0x22 CTAP2_ERR_INVALID_CREDENTIAL.
    InvalidCredential = 0x22,
    /// 0x26 CTAP2_ERR_UNSUPPORTED_ALGORITHM.
    UnsupportedAlgorithm = 0x26,
    /// 0x27 CTAP2_ERR_OPERATION_DENIED.
    OperationDenied = 0x27,
    /// 0x28 CTAP2_ERR_KEY_STORE_FULL.
    KeyStoreFull = 0x28,
    /// 0x2B CTAP2_ERR_UNSUPPORTED_OPTION.
    UnsupportedOption = 0x2B,
    /// 0x2D CTAP2_ERR_KEEPALIVE_CANCEL.
    KeepaliveCancel = 0x2D,
    /// 0x2E CTAP2_ERR_NO_CREDENTIALS: no credential for this RP on the key.
    NoCredentials = 0x2E,
    /// 0x2F CTAP2_ERR_USER_ACTION_TIMEOUT: nobody touched the key.
    UserActionTimeout = 0x2F,
    /// 0x30 CTAP2_ERR_NOT_ALLOWED.
    NotAllowed = 0x30,
    /// 0x31 CTAP2_ERR_PIN_INVALID.
    PinInvalid = 0x31,
    /// 0x32 CTAP2_ERR_PIN_BLOCKED.
    PinBlocked = 0x32,
    /// 0x33 CTAP2_ERR_PIN_AUTH_INVALID.
    PinAuthInvalid = 0x33,
    /// 0x34 CTAP2_ERR_PIN_AUTH_BLOCKED: three wrong PINs, re-plug the key.
    PinAuthBlocked = 0x34,
    /// 0x35 CTAP2_ERR_PIN_NOT_SET.
    PinNotSet = 0x35,
    /// 0x36 CTAP2_ERR_PUAT_REQUIRED (PIN required).
    PinRequired = 0x36,
    /// 0x37 CTAP2_ERR_PIN_POLICY_VIOLATION.
    PinPolicyViolation = 0x37,
    /// 0x3B CTAP2_ERR_UP_REQUIRED.
    UpRequired = 0x3B,
    /// 0x3C CTAP2_ERR_UV_BLOCKED.
    UvBlocked = 0x3C,
    /// 0x7F CTAP1_ERR_OTHER.
    Other = 0x7F,
}

impl CtapStatus {
    /// The status byte.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// Every status this enum models, in code order.
    pub const ALL: [CtapStatus; 28] = {
        use CtapStatus::*;
        [
            InvalidCommand,
            InvalidParameter,
            InvalidLength,
            MessageTimeout,
            ChannelBusy,
            CborUnexpectedType,
            InvalidCbor,
            MissingParameter,
            CredentialExcluded,
            InvalidCredential,
            UnsupportedAlgorithm,
            OperationDenied,
            KeyStoreFull,
            UnsupportedOption,
            KeepaliveCancel,
            NoCredentials,
            UserActionTimeout,
            NotAllowed,
            PinInvalid,
            PinBlocked,
            PinAuthInvalid,
            PinAuthBlocked,
            PinNotSet,
            PinRequired,
            PinPolicyViolation,
            UpRequired,
            UvBlocked,
            Other,
        ]
    };

    /// The status for a status byte, if this enum models it.
    pub fn from_code(code: u8) -> Option<CtapStatus> {
        CtapStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// What the technician should do about it.
    pub fn remediation(self) -> &'static str {
        use CtapStatus::*;
        match self {
            CredentialExcluded => "This key already holds a passkey for this user: use another key or delete the user's existing passkey first.",
            UserActionTimeout => "Nobody touched the key in time. Try again and touch the key when asked.",
            NotAllowed | OperationDenied => "The key refused the operation. Re-plug the key and try again.",
            KeyStoreFull => "The key has no free passkey slots. Use another key or reset this one.",
            PinInvalid => "The PIN was wrong. Check it and try again; the key blocks after 8 wrong PINs.",
            PinBlocked => "The key's PIN is blocked. Only a reset (which wipes the key) makes it usable again.",
            PinAuthBlocked => "Three wrong PINs in a row: unplug the key and plug it back in before trying again.",
            PinNotSet => "The key has no PIN yet. Set one first.",
            PinPolicyViolation => "The key refused this PIN (too short or too simple for its policy), or its PIN must be changed before it can be used.",
            NoCredentials => "The key holds no passkey for this site.",
            ChannelBusy => "Another program is using the key. Close it (browser, other tools) and try again.",
            UvBlocked => "The key's fingerprint check is blocked. Use the PIN, or reset the key.",
            KeepaliveCancel => "The operation was cancelled.",
            _ => "The key rejected the request. Re-plug the key and try again; if it persists, report it with the status code.",
        }
    }
}

/// A failure talking to a key.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    /// The key answered with a CTAP error status.
    #[error("the key answered {status:?} (0x{code:02X})", code = status.code())]
    Ctap {
        /// The status.
        status: CtapStatus,
    },
    /// The key was pulled (or the simulated key unplugged) before it answered.
    #[error("the key was removed")]
    Removed,
    /// The key did not answer within the watchdog's time.
    #[error("the key did not answer in time")]
    Timeout,
    /// Another operation is running on this key.
    #[error("the key is busy with another operation")]
    Busy,
    /// The key's answer could not be understood.
    #[error("the key's answer was malformed: {0}")]
    Malformed(String),
    /// The operating system does not let this process talk to the key.
    #[error("no permission to use the key")]
    NoPermission {
        /// What to do about it, for this platform.
        hint: &'static str,
    },
    /// The key answered a CTAP status byte this enum does not model.
    #[error("the key answered status 0x{0:02X}")]
    UnknownStatus(u8),
    /// The key lacks a feature this operation needs (e.g. authenticatorConfig).
    #[error("the key does not support {0}")]
    Unsupported(&'static str),
    /// The HID transport failed (open, write or read), other than a removal.
    #[error("talking to the key failed: {0}")]
    Transport(String),
}

/// [`KeyError::NoPermission`] hint on Windows.
pub const HINT_WINDOWS_ELEVATION: &str = "Windows lets only administrators talk to security keys directly: start KeyDesk with \"Run as administrator\".";
/// [`KeyError::NoPermission`] hint on Linux.
pub const HINT_LINUX_HIDRAW: &str = "This user cannot open /dev/hidraw*: install the udev rule from KeyDesk's HARDWARE.md (or log in at the machine's seat), then re-plug the key.";
/// [`KeyError::NoPermission`] hint elsewhere.
pub const HINT_GENERIC_PERMISSION: &str =
    "The operating system refused access to the key: check the permissions for USB HID devices.";

impl KeyError {
    /// The platform's [`KeyError::NoPermission`].
    pub fn no_permission() -> Self {
        let hint = if cfg!(windows) {
            HINT_WINDOWS_ELEVATION
        } else if cfg!(target_os = "linux") {
            HINT_LINUX_HIDRAW
        } else {
            HINT_GENERIC_PERMISSION
        };
        KeyError::NoPermission { hint }
    }

    /// A status byte as an error: typed when modelled, [`KeyError::UnknownStatus`] otherwise.
    pub fn from_status_byte(code: u8) -> Self {
        CtapStatus::from_code(code).map_or(KeyError::UnknownStatus(code), KeyError::ctap)
    }
}

impl KeyError {
    /// Shorthand for a CTAP status error.
    pub fn ctap(status: CtapStatus) -> Self {
        KeyError::Ctap { status }
    }

    /// A sentence telling the technician what to do.
    pub fn remediation(&self) -> &'static str {
        match self {
            KeyError::Ctap { status } => status.remediation(),
            KeyError::Removed => {
                "Plug the key back in and start this user again; nothing was registered."
            }
            KeyError::Timeout => {
                "The key stopped answering. Unplug it, plug it back in and try again."
            }
            KeyError::Busy => "Wait for the key's current operation to finish.",
            KeyError::Malformed(_) | KeyError::UnknownStatus(_) => {
                "The key sent something unexpected. Try another key and report this one."
            }
            KeyError::NoPermission { hint } => hint,
            KeyError::Unsupported(_) => {
                "This key model cannot do that. Skip this step or use a newer key."
            }
            KeyError::Transport(_) => {
                "Talking to the key failed. Unplug it, plug it back in and try again."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips_through_its_byte() {
        for status in CtapStatus::ALL {
            assert_eq!(CtapStatus::from_code(status.code()), Some(status));
            assert_eq!(
                KeyError::from_status_byte(status.code()),
                KeyError::ctap(status)
            );
            assert!(!status.remediation().is_empty());
        }
        let mut codes: Vec<u8> = CtapStatus::ALL.iter().map(|s| s.code()).collect();
        codes.dedup();
        assert_eq!(
            codes.len(),
            CtapStatus::ALL.len(),
            "ALL is sorted and unique"
        );
        assert_eq!(CtapStatus::from_code(0xE5), None);
        assert_eq!(
            KeyError::from_status_byte(0xE5),
            KeyError::UnknownStatus(0xE5)
        );
    }

    #[test]
    fn the_codes_ctap_md_lists_have_their_own_advice() {
        use CtapStatus::*;
        let generic = InvalidCommand.remediation();
        for status in [
            UserActionTimeout,
            NotAllowed,
            PinInvalid,
            PinBlocked,
            PinAuthBlocked,
            PinNotSet,
            PinPolicyViolation,
            CredentialExcluded,
            KeyStoreFull,
            KeepaliveCancel,
            OperationDenied,
        ] {
            assert_ne!(status.remediation(), generic, "{status:?}");
        }
        assert_eq!(PinAuthBlocked.code(), 0x34);
        assert_eq!(PinPolicyViolation.code(), 0x37);
    }

    #[test]
    fn transport_errors_tell_the_technician_what_to_do() {
        let no_permission = KeyError::no_permission();
        let KeyError::NoPermission { hint } = no_permission else {
            panic!("expected NoPermission");
        };
        assert_eq!(no_permission.remediation(), hint);
        if cfg!(target_os = "linux") {
            assert!(hint.contains("udev"));
        }
        for e in [
            KeyError::Removed,
            KeyError::Timeout,
            KeyError::Busy,
            KeyError::Transport("x".into()),
            KeyError::Unsupported("authenticatorConfig"),
            KeyError::UnknownStatus(0xE5),
        ] {
            assert!(e.remediation().ends_with('.'), "{e:?}");
        }
    }
}
