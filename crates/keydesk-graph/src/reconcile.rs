//! Learning whether a write happened when its answer was lost.
//!
//! A register POST that timed out, lost its connection, got a 5xx or an unreadable 201 may
//! or may not have saved the passkey. Sending it again blindly could fail confusingly or,
//! worse, hide what happened; so the user's passkeys are read and matched by credential
//! id: a FIDO2 method's id is the credential id in base64url with Entra's padding digit
//! (GRAPH.md), decoded here with the one lenient decoder.

use keydesk_core::b64::decode_lenient;

use crate::{GraphError, Passkey};

/// Whether a failed write may nevertheless have been carried out.
pub(crate) fn outcome_unknown(error: &GraphError) -> bool {
    match error {
        GraphError::Timeout | GraphError::Network(_) | GraphError::Malformed { .. } => true,
        GraphError::Api { status, .. } => (500..=599).contains(status),
        _ => false,
    }
}

/// The passkey whose method id is `credential_id`, if any. The engine's crash-resume uses
/// it too, so there is one place that knows how method ids spell credential ids.
pub fn find_credential(passkeys: &[Passkey], credential_id: &[u8]) -> Option<Passkey> {
    passkeys
        .iter()
        .find(|p| decode_lenient(&p.id).is_ok_and(|id| id == credential_id))
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Operation;

    fn passkey(id: &str) -> Passkey {
        Passkey {
            id: id.into(),
            display_name: None,
            created: None,
            aaguid: None,
            model: None,
        }
    }

    #[test]
    fn method_ids_match_in_every_spelling() {
        let credential = [0xfb, 0xff, 0x10, 0x20, 0x30];
        for id in ["-_8QIDA1", "-_8QIDA", "+/8QIDA=", "-_8QIDA="] {
            let found = find_credential(&[passkey("AAE1"), passkey(id)], &credential);
            assert_eq!(found.map(|p| p.id), Some(id.to_owned()), "{id}");
        }
        assert!(find_credential(&[passkey("AAE1"), passkey("*bad*")], &credential).is_none());
    }

    #[test]
    fn only_unknown_outcomes_are_reconciled() {
        let api = |status| GraphError::Api {
            operation: Operation::RegisterPasskey,
            status,
            code: "x".into(),
            message: "x".into(),
            request_id: None,
            client_request_id: None,
        };
        assert!(outcome_unknown(&GraphError::Timeout));
        assert!(outcome_unknown(&GraphError::Network("reset".into())));
        assert!(outcome_unknown(&api(503)));
        assert!(outcome_unknown(&api(500)));
        assert!(!outcome_unknown(&api(400)));
        assert!(!outcome_unknown(&api(403)));
    }
}
