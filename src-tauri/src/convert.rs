//! Domain types to the UI's contract types (keydesk-ipc).

use keydesk_engine::lock::LockError;
use keydesk_engine::ProvisionError;
use keydesk_fido::rack::SoftRack;
use keydesk_fido::soft::SoftKey;
use keydesk_fido::{CtapStatus, KeyError};
use keydesk_graph::{GraphError, GraphErrorKind};
use keydesk_ipc::{ErrorKind, IpcError, KeyView, Step};

/// An engine step as the UI names it.
pub fn step(step: keydesk_engine::Step) -> Step {
    use keydesk_engine::Step as S;
    match step {
        S::FetchingOptions => Step::FetchingOptions,
        S::InsertKey => Step::InsertKey,
        S::CheckingKey => Step::CheckingKey,
        S::ResetKey => Step::TouchKey,
        S::ReplugKey => Step::InsertKey,
        S::SettingPin => Step::SettingPin,
        S::TouchKey => Step::TouchKey,
        S::Registering => Step::Registering,
    }
}

/// A simulated key as the UI shows it.
pub fn key_view(key: &SoftKey) -> KeyView {
    KeyView {
        id: keydesk_fido::SecurityKey::id(key).to_owned(),
        model: key.model().to_owned(),
        serial: Some(key.serial().to_owned()),
        aaguid: uuid_text(&key.aaguid()),
        simulated: true,
        awaiting_touch: key.awaiting_touch(),
    }
}

/// The view of a key in the rack, if it is still there.
pub fn rack_key(rack: &SoftRack, id: &str) -> Option<KeyView> {
    rack.key(id).map(|k| key_view(&k))
}

fn uuid_text(b: &[u8; 16]) -> String {
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// A provisioning failure for the UI.
pub fn provision_error(e: &ProvisionError) -> IpcError {
    let kind = match e {
        ProvisionError::Graph(g) => graph_kind(g),
        ProvisionError::Key(k) => key_kind(k),
        ProvisionError::Journal(_) => ErrorKind::Journal,
        ProvisionError::NotEligible(_)
        | ProvisionError::AlreadyRegistered
        | ProvisionError::Revoked
        | ProvisionError::SkippedByOperator
        | ProvisionError::Policy(_) => ErrorKind::NotEligible,
        ProvisionError::KeyHasPin
        | ProvisionError::KeyUnsuitable(_)
        | ProvisionError::PinRetriesLow
        | ProvisionError::PinPolicy
        | ProvisionError::SelfTest => ErrorKind::Key,
        ProvisionError::ChallengeExpired | ProvisionError::Unsupported(_) => ErrorKind::Graph,
        ProvisionError::Escrow(_) => ErrorKind::Internal,
        ProvisionError::NoKey => ErrorKind::KeyRemoved,
        ProvisionError::NeedsAttention { .. } => ErrorKind::NeedsAttention,
        ProvisionError::NothingToResolve | ProvisionError::UnknownMethod(_) => {
            ErrorKind::NotEligible
        }
    };
    let request_id = match e {
        ProvisionError::Graph(g) => g.request_id().map(str::to_owned),
        _ => None,
    };
    IpcError {
        kind,
        message: e.to_string(),
        remediation: e.remediation(),
        request_id,
    }
}

/// A Graph failure for the UI.
pub fn graph_error(e: &GraphError) -> IpcError {
    IpcError {
        kind: graph_kind(e),
        message: e.to_string(),
        remediation: e.remediation(),
        request_id: e.request_id().map(str::to_owned),
    }
}

/// Why the app did not start, for the window to show instead of the desk.
pub fn start_error(e: &(dyn std::error::Error + 'static)) -> IpcError {
    match e.downcast_ref::<LockError>() {
        Some(held @ LockError::Held { .. }) => plain(
            ErrorKind::DataFolderInUse,
            format!("KeyDesk did not start: {held}."),
            "Close the other KeyDesk window, or wait for that keydesk-cli run to finish, then start KeyDesk again.",
        ),
        _ => plain(
            ErrorKind::Internal,
            format!("KeyDesk could not start: {e}"),
            "Check that KeyDesk's data folder is writable, then start KeyDesk again. If it keeps happening, report it.",
        ),
    }
}

/// An error that is not a failure of Graph or the key.
pub fn plain(
    kind: ErrorKind,
    message: impl Into<String>,
    remediation: impl Into<String>,
) -> IpcError {
    IpcError {
        kind,
        message: message.into(),
        remediation: remediation.into(),
        request_id: None,
    }
}

fn graph_kind(e: &GraphError) -> ErrorKind {
    match e.kind() {
        GraphErrorKind::SignIn => ErrorKind::SignIn,
        GraphErrorKind::Forbidden => ErrorKind::GraphForbidden,
        GraphErrorKind::Throttled => ErrorKind::GraphThrottled,
        GraphErrorKind::Network => ErrorKind::Network,
        _ => ErrorKind::Graph,
    }
}

fn key_kind(e: &KeyError) -> ErrorKind {
    match e {
        KeyError::Removed => ErrorKind::KeyRemoved,
        KeyError::Ctap {
            status: CtapStatus::PinBlocked | CtapStatus::PinAuthBlocked,
        } => ErrorKind::PinBlocked,
        KeyError::Ctap {
            status: CtapStatus::UserActionTimeout,
        } => ErrorKind::TouchTimeout,
        KeyError::Ctap {
            status: CtapStatus::CredentialExcluded,
        } => ErrorKind::CredentialExcluded,
        KeyError::Busy => ErrorKind::Busy,
        _ => ErrorKind::Key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_folder_in_use_is_its_own_kind_and_names_the_holder() {
        let held: Box<dyn std::error::Error> = Box::new(LockError::Held {
            pid: Some(4242),
            path: "/data/keydesk".into(),
        });
        let e = start_error(held.as_ref());
        assert_eq!(e.kind, ErrorKind::DataFolderInUse);
        assert_eq!(
            e.message,
            "KeyDesk did not start: another KeyDesk (PID 4242) is using the data folder /data/keydesk."
        );
        assert!(e.remediation.contains("Close the other KeyDesk window"));

        let other: Box<dyn std::error::Error> = Box::new(std::io::Error::other("disk full"));
        let e = start_error(other.as_ref());
        assert_eq!(e.kind, ErrorKind::Internal);
        assert_eq!(e.message, "KeyDesk could not start: disk full");
    }
}
