//! What a key can answer besides success.

/// CTAP2 status codes KeyDesk meets (CTAP 2.1 §8.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum CtapStatus {
    /// 0x01 CTAP1_ERR_INVALID_COMMAND.
    InvalidCommand = 0x01,
    /// 0x02 CTAP1_ERR_INVALID_PARAMETER.
    InvalidParameter = 0x02,
    /// 0x11 CTAP2_ERR_CBOR_UNEXPECTED_TYPE.
    CborUnexpectedType = 0x11,
    /// 0x14 CTAP2_ERR_MISSING_PARAMETER.
    MissingParameter = 0x14,
    /// 0x19 CTAP2_ERR_CREDENTIAL_EXCLUDED: the key already holds a credential for this user.
    CredentialExcluded = 0x19,
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
}

impl CtapStatus {
    /// The status byte.
    pub fn code(self) -> u8 {
        self as u8
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
            PinPolicyViolation => "The key refused this PIN (too short or too simple for its policy).",
            KeepaliveCancel => "The operation was cancelled.",
            _ => "The key rejected the request. Re-plug the key and try again; if it persists, report it with the status code.",
        }
    }
}

/// A failure talking to a key.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
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
            KeyError::Malformed(_) => {
                "The key sent something unexpected. Try another key and report this one."
            }
        }
    }
}
