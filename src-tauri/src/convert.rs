//! Domain types to the UI's contract types (keydesk-ipc).

use crate::metadata;
use keydesk_core::DirectoryUser;
use keydesk_engine::journal::JobRecord;
use keydesk_engine::lock::LockError;
use keydesk_engine::preflight::Refusal;
use keydesk_engine::queue::{QueueRow, QueueStatus};
use keydesk_engine::station::StationError;
use keydesk_engine::ProvisionError;
use keydesk_fido::rack::SoftRack;
use keydesk_fido::soft::SoftKey;
use keydesk_fido::{CtapStatus, KeyError};
use keydesk_graph::{GraphError, GraphErrorKind, PolicyRefusal};
use keydesk_ipc::{ErrorKind, IpcError, KeyView, PendingLetter, QueueUser, Step, UserStatus};
use keydesk_mds::Mds;

/// An engine step as the UI names it.
pub fn step(step: keydesk_engine::Step) -> Step {
    use keydesk_engine::Step as S;
    match step {
        S::FetchingOptions => Step::FetchingOptions,
        S::InsertKey => Step::InsertKey,
        S::CheckingKey => Step::CheckingKey,
        S::ResetKey => Step::ResetKey,
        S::ReplugKey => Step::ReplugKey,
        S::SettingPin => Step::SettingPin,
        S::TouchKey => Step::TouchKey,
        S::Registering => Step::Registering,
    }
}

/// A simulated key as the UI shows it, its model named by the FIDO metadata when `mds`
/// lists it.
pub fn key_view(key: &SoftKey, mds: Option<&Mds>) -> KeyView {
    let model = metadata::model_of(mds, Some(&key.aaguid()), key.model());
    KeyView {
        id: keydesk_fido::SecurityKey::id(key).to_owned(),
        model: model.name,
        model_from_metadata: model.from_metadata,
        icon: model.icon,
        certification: model.certification,
        serial: Some(key.serial().to_owned()),
        aaguid: keydesk_fido::aaguid_text(&key.aaguid()),
        simulated: true,
        awaiting_touch: key.awaiting_touch(),
    }
}

/// The key tray's view of a plugged security key, from what the device watcher read,
/// its model named by the FIDO metadata when `mds` lists it.
pub fn hid_key(identity: &keydesk_fido::hid::DeviceIdentity, mds: Option<&Mds>) -> KeyView {
    let model = metadata::model_of(mds, identity.aaguid.as_ref(), &identity.product);
    KeyView {
        id: identity.path.clone(),
        model: model.name,
        model_from_metadata: model.from_metadata,
        icon: model.icon,
        certification: model.certification,
        serial: identity.serial.clone(),
        aaguid: identity
            .aaguid
            .map(|a| keydesk_fido::aaguid_text(&a))
            .unwrap_or_default(),
        simulated: false,
        awaiting_touch: false,
    }
}

/// The view of a key in the rack, if it is still there.
pub fn rack_key(rack: &SoftRack, id: &str, mds: Option<&Mds>) -> Option<KeyView> {
    rack.key(id).map(|k| key_view(&k, mds))
}

/// A provisioning failure for the UI.
pub fn provision_error(e: &ProvisionError) -> IpcError {
    let request_id = match e {
        ProvisionError::Graph(g) => g.request_id().map(str::to_owned),
        _ => None,
    };
    IpcError {
        kind: provision_kind(e),
        message: e.to_string(),
        remediation: e.remediation(),
        request_id,
        pin_retries: match e {
            ProvisionError::KeyHasPin { retries } => *retries,
            _ => None,
        },
    }
}

/// A Graph failure for the UI.
pub fn graph_error(e: &GraphError) -> IpcError {
    IpcError {
        kind: graph_kind(e),
        message: e.to_string(),
        remediation: e.remediation(),
        request_id: e.request_id().map(str::to_owned),
        pin_retries: None,
    }
}

/// A queue row as the window shows it; the status maps 1:1.
pub fn queue_user(row: QueueRow) -> QueueUser {
    QueueUser {
        id: row.user.id,
        upn: row.user.upn,
        display_name: row.user.display_name,
        status: match row.status {
            QueueStatus::Pending => UserStatus::Pending,
            QueueStatus::InProgress => UserStatus::InProgress,
            QueueStatus::Registered => UserStatus::Registered,
            QueueStatus::Failed => UserStatus::Failed,
            QueueStatus::Skipped => UserStatus::Skipped,
            QueueStatus::Revoked => UserStatus::Revoked,
            QueueStatus::NeedsAttention => UserStatus::NeedsAttention,
        },
        detail: row.detail,
        department: row.user.department,
        left_group: row.left_group.then_some(true),
        at_desk: None,
    }
}

/// A batch's summary as the window shows it.
pub fn batch_summary(s: &keydesk_engine::batch_summary::BatchSummary) -> keydesk_ipc::BatchSummary {
    use keydesk_engine::batch_summary::Ending;
    keydesk_ipc::BatchSummary {
        started_at: s.started_at,
        ended_at: s.ended_at.unwrap_or(s.started_at),
        duration_secs: s.duration_secs(),
        registered: s.count(Ending::Registered),
        failed: s.count(Ending::Failed),
        skipped: s.count(Ending::Skipped),
        stopped: s.stopped,
        per_hour: s.per_hour(),
        keys: s
            .per_key()
            .into_iter()
            .map(|k| keydesk_ipc::KeyCount {
                key: k.key,
                registered: k.registered,
                failed: k.failed,
            })
            .collect(),
        reasons: s
            .reasons()
            .into_iter()
            .map(|(reason, users)| keydesk_ipc::ReasonCount { reason, users })
            .collect(),
    }
}

/// A journaled job with a sealed PIN as the letters list shows it; the display name from
/// the loaded queue, else the UPN.
pub fn pending_letter(job: JobRecord, users: &[DirectoryUser]) -> PendingLetter {
    let display_name = users
        .iter()
        .find(|u| u.id == job.user_id)
        .map_or_else(|| job.upn.clone(), |u| u.display_name.clone());
    PendingLetter {
        user_id: job.user_id,
        upn: job.upn,
        display_name,
        key_model: job.key_model,
        key_serial: job.key_serial,
    }
}

/// Why the app did not start, for the window to show instead of the desk.
pub fn start_error(e: &(dyn std::error::Error + 'static)) -> IpcError {
    let lock = match e.downcast_ref::<StationError>() {
        Some(StationError::Lock(lock)) => Some(lock),
        _ => e.downcast_ref::<LockError>(),
    };
    match lock {
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
        pin_retries: None,
    }
}

fn provision_kind(e: &ProvisionError) -> ErrorKind {
    match e {
        ProvisionError::Graph(g) => graph_kind(g),
        ProvisionError::Key(k) => key_kind(k),
        ProvisionError::Journal(_) => ErrorKind::Journal,
        ProvisionError::Escrow(_) => ErrorKind::EscrowUnavailable,
        ProvisionError::NotEligible(_) | ProvisionError::SkippedByOperator => {
            ErrorKind::NotEligible
        }
        ProvisionError::Policy(refusal) => refusal_kind(refusal),
        ProvisionError::AlreadyRegistered => ErrorKind::AlreadyRegistered,
        ProvisionError::Revoked => ErrorKind::Revoked,
        ProvisionError::KeyHasPin { .. } => ErrorKind::KeyHasPin,
        ProvisionError::PinRetriesLow => ErrorKind::PinRetriesLow,
        ProvisionError::PinPolicy => ErrorKind::PinPolicy,
        ProvisionError::KeyUnsuitable(_) => ErrorKind::KeyUnsuitable,
        ProvisionError::ChallengeExpired => ErrorKind::ChallengeExpired,
        ProvisionError::SelfTest => ErrorKind::SelfTestFailed,
        ProvisionError::Unsupported(_) => ErrorKind::Unsupported,
        ProvisionError::NoKey => ErrorKind::NoKey,
        ProvisionError::NeedsAttention { .. } => ErrorKind::NeedsAttention,
        ProvisionError::NothingToResolve => ErrorKind::NothingToResolve,
        ProvisionError::UnknownMethod(_) => ErrorKind::UnknownMethod,
        ProvisionError::PinUnknown => ErrorKind::PinUnknown,
        ProvisionError::AuditFailed(_) => ErrorKind::AuditFailed,
        ProvisionError::AmbiguousMatch { .. } => ErrorKind::AmbiguousMatch,
        ProvisionError::RoleHolder { .. } => ErrorKind::RoleHolder,
        ProvisionError::PassActive(_) => ErrorKind::PassActive,
    }
}

fn refusal_kind(refusal: &Refusal) -> ErrorKind {
    match refusal {
        Refusal::User(_)
        | Refusal::Graph(PolicyRefusal::Guest(_) | PolicyRefusal::DisabledAccount(_)) => {
            ErrorKind::NotEligible
        }
        Refusal::Fido2Disabled
        | Refusal::NoSelfService
        | Refusal::Graph(PolicyRefusal::MethodDisabled | PolicyRefusal::SelfServiceNotAllowed) => {
            ErrorKind::ProvisioningDisabled
        }
        Refusal::AttestationRequired(_)
        | Refusal::AttestationChain(_)
        | Refusal::Restricted { .. }
        | Refusal::Graph(
            PolicyRefusal::Blocked(_)
            | PolicyRefusal::NotAllowed(_)
            | PolicyRefusal::DeviceBoundNotAllowed,
        ) => ErrorKind::PolicyRefusesKey,
        Refusal::Key(_) | Refusal::ModelUnfit { .. } => ErrorKind::KeyUnsuitable,
    }
}

fn graph_kind(e: &GraphError) -> ErrorKind {
    match e.kind() {
        GraphErrorKind::SignIn => ErrorKind::SignIn,
        GraphErrorKind::Forbidden => ErrorKind::GraphForbidden,
        GraphErrorKind::NotFound => ErrorKind::GraphNotFound,
        GraphErrorKind::Throttled => ErrorKind::GraphThrottled,
        GraphErrorKind::Unavailable => ErrorKind::GraphUnavailable,
        GraphErrorKind::Network => ErrorKind::Network,
        GraphErrorKind::Timeout => ErrorKind::GraphTimeout,
        GraphErrorKind::Malformed => ErrorKind::GraphMalformed,
        GraphErrorKind::Ambiguous => ErrorKind::GroupAmbiguous,
        GraphErrorKind::Rejected => ErrorKind::GraphRejected,
        GraphErrorKind::InvalidInput => ErrorKind::InvalidInput,
        GraphErrorKind::Unsupported => ErrorKind::NotInCloud,
        GraphErrorKind::SecretStore => ErrorKind::SecretStore,
        // The passkey may or may not exist: an operator decides, as for the engine's own.
        GraphErrorKind::Unsure => ErrorKind::NeedsAttention,
        GraphErrorKind::Other => ErrorKind::Graph,
    }
}

fn key_kind(e: &KeyError) -> ErrorKind {
    match e {
        KeyError::Ctap { status } => ctap_kind(*status),
        KeyError::Removed => ErrorKind::KeyRemoved,
        KeyError::Timeout => ErrorKind::KeyTimeout,
        KeyError::Busy => ErrorKind::Busy,
        KeyError::NoPermission { .. } => ErrorKind::KeyNoPermission,
        KeyError::Unsupported(_) => ErrorKind::KeyUnsuitable,
        KeyError::Malformed(_) | KeyError::UnknownStatus(_) | KeyError::Transport(_) => {
            ErrorKind::Key
        }
    }
}

fn ctap_kind(status: CtapStatus) -> ErrorKind {
    match status {
        CtapStatus::PinBlocked => ErrorKind::PinBlocked,
        CtapStatus::PinAuthBlocked => ErrorKind::PinAuthBlocked,
        CtapStatus::PinInvalid => ErrorKind::PinInvalid,
        CtapStatus::PinPolicyViolation => ErrorKind::PinPolicy,
        CtapStatus::UserActionTimeout => ErrorKind::TouchTimeout,
        CtapStatus::KeepaliveCancel => ErrorKind::Cancelled,
        CtapStatus::CredentialExcluded => ErrorKind::CredentialExcluded,
        CtapStatus::KeyStoreFull => ErrorKind::KeyFull,
        _ => ErrorKind::Key,
    }
}

#[cfg(test)]
mod tests {
    use keydesk_core::job::{InvalidTransition, JobEvent, JobState};
    use keydesk_engine::escrow::EscrowError;
    use keydesk_engine::journal::JournalError;
    use keydesk_fido::soft::SoftKeyConfig;
    use keydesk_graph::{Cloud, Operation};

    use super::*;

    fn api(status: u16) -> GraphError {
        GraphError::Api {
            operation: Operation::RegisterPasskey,
            status,
            code: "code".into(),
            message: "message".into(),
            request_id: Some("rid-7".into()),
            client_request_id: None,
        }
    }

    #[test]
    fn every_graph_failure_keeps_its_kind() {
        let cases = [
            (api(401), ErrorKind::SignIn),
            (api(403), ErrorKind::GraphForbidden),
            (api(404), ErrorKind::GraphNotFound),
            (api(429), ErrorKind::GraphThrottled),
            (api(503), ErrorKind::GraphUnavailable),
            (api(504), ErrorKind::GraphUnavailable),
            (api(400), ErrorKind::GraphRejected),
            (api(500), ErrorKind::Graph),
            (
                GraphError::SignIn {
                    code: "AADSTS7000215".into(),
                    message: "bad secret".into(),
                    remediation: "fix it".into(),
                    trace_id: None,
                },
                ErrorKind::SignIn,
            ),
            (
                GraphError::Throttled {
                    retry_after: None,
                    request_id: None,
                    client_request_id: None,
                },
                ErrorKind::GraphThrottled,
            ),
            (GraphError::Network("reset".into()), ErrorKind::Network),
            (GraphError::Timeout, ErrorKind::GraphTimeout),
            (
                GraphError::Malformed {
                    what: "publicKey".into(),
                    detail: "missing".into(),
                    request_id: None,
                },
                ErrorKind::GraphMalformed,
            ),
            (
                GraphError::GroupNotFound("Finance".into()),
                ErrorKind::GraphNotFound,
            ),
            (
                GraphError::AmbiguousGroup {
                    name: "Finance".into(),
                    candidates: Vec::new(),
                },
                ErrorKind::GroupAmbiguous,
            ),
            (
                GraphError::InvalidInput("id".into()),
                ErrorKind::InvalidInput,
            ),
            (
                GraphError::NotInCloud {
                    feature: "passkey provisioning",
                    cloud: Cloud::UsGovL4,
                },
                ErrorKind::NotInCloud,
            ),
            (
                GraphError::SecretStore("locked".into()),
                ErrorKind::SecretStore,
            ),
            (
                GraphError::RegistrationUnsure {
                    candidates: Vec::new(),
                    cause: Box::new(api(504)),
                },
                ErrorKind::NeedsAttention,
            ),
        ];
        for (error, kind) in cases {
            assert_eq!(graph_error(&error).kind, kind, "{error:?}");
            assert_eq!(
                provision_error(&ProvisionError::Graph(error)).kind,
                kind,
                "through the engine"
            );
        }
    }

    #[test]
    fn a_key_with_a_pin_says_its_tries_left_in_a_field_of_its_own() {
        let e = provision_error(&ProvisionError::KeyHasPin { retries: Some(5) });
        assert_eq!(e.pin_retries, Some(5));
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["pinRetries"], 5);
        let silent = provision_error(&ProvisionError::KeyHasPin { retries: None });
        assert_eq!(silent.pin_retries, None);
        assert!(serde_json::to_value(&silent)
            .unwrap()
            .get("pinRetries")
            .is_none());
        assert_eq!(
            provision_error(&ProvisionError::PinRetriesLow).pin_retries,
            None
        );
    }

    #[test]
    fn a_graph_failure_keeps_its_request_id_through_the_engine() {
        let e = provision_error(&ProvisionError::Graph(api(403)));
        assert_eq!(e.request_id.as_deref(), Some("rid-7"));
        assert!(e.remediation.contains("rid-7"), "{}", e.remediation);
        assert_eq!(
            provision_error(&ProvisionError::KeyHasPin { retries: None }).request_id,
            None
        );
    }

    #[test]
    fn every_key_failure_keeps_its_kind() {
        let cases = [
            (CtapStatus::PinBlocked, ErrorKind::PinBlocked),
            (CtapStatus::PinAuthBlocked, ErrorKind::PinAuthBlocked),
            (CtapStatus::PinInvalid, ErrorKind::PinInvalid),
            (CtapStatus::PinPolicyViolation, ErrorKind::PinPolicy),
            (CtapStatus::UserActionTimeout, ErrorKind::TouchTimeout),
            (CtapStatus::KeepaliveCancel, ErrorKind::Cancelled),
            (
                CtapStatus::CredentialExcluded,
                ErrorKind::CredentialExcluded,
            ),
            (CtapStatus::KeyStoreFull, ErrorKind::KeyFull),
            (CtapStatus::InvalidCbor, ErrorKind::Key),
        ];
        for (status, kind) in cases {
            let e = ProvisionError::Key(KeyError::ctap(status));
            assert_eq!(provision_error(&e).kind, kind, "{status:?}");
        }
        let cases = [
            (KeyError::Removed, ErrorKind::KeyRemoved),
            (KeyError::Timeout, ErrorKind::KeyTimeout),
            (KeyError::Busy, ErrorKind::Busy),
            (KeyError::no_permission(), ErrorKind::KeyNoPermission),
            (
                KeyError::Unsupported("authenticatorConfig"),
                ErrorKind::KeyUnsuitable,
            ),
            (KeyError::Malformed("cbor".into()), ErrorKind::Key),
            (KeyError::UnknownStatus(0xE5), ErrorKind::Key),
            (KeyError::Transport("io".into()), ErrorKind::Key),
        ];
        for (error, kind) in cases {
            let e = provision_error(&ProvisionError::Key(error.clone()));
            assert_eq!(e.kind, kind, "{error:?}");
            assert_eq!(e.remediation, error.remediation());
        }
    }

    #[test]
    fn every_provisioning_failure_keeps_its_kind() {
        let journal = JournalError::Transition(InvalidTransition {
            from: JobState::Registered,
            event: JobEvent::Skipped,
        });
        let cases = [
            (ProvisionError::Journal(journal), ErrorKind::Journal),
            (
                ProvisionError::Escrow(EscrowError::Corrupt),
                ErrorKind::EscrowUnavailable,
            ),
            (ProvisionError::NotEligible("guest"), ErrorKind::NotEligible),
            (ProvisionError::SkippedByOperator, ErrorKind::NotEligible),
            (
                ProvisionError::AlreadyRegistered,
                ErrorKind::AlreadyRegistered,
            ),
            (ProvisionError::Revoked, ErrorKind::Revoked),
            (
                ProvisionError::KeyHasPin { retries: Some(8) },
                ErrorKind::KeyHasPin,
            ),
            (ProvisionError::PinRetriesLow, ErrorKind::PinRetriesLow),
            (ProvisionError::PinPolicy, ErrorKind::PinPolicy),
            (
                ProvisionError::KeyUnsuitable("no PIN"),
                ErrorKind::KeyUnsuitable,
            ),
            (
                ProvisionError::ChallengeExpired,
                ErrorKind::ChallengeExpired,
            ),
            (ProvisionError::SelfTest, ErrorKind::SelfTestFailed),
            (ProvisionError::Unsupported("TAP"), ErrorKind::Unsupported),
            (ProvisionError::NoKey, ErrorKind::NoKey),
            (
                ProvisionError::NeedsAttention {
                    candidates: vec!["m-1".into()],
                },
                ErrorKind::NeedsAttention,
            ),
            (
                ProvisionError::NothingToResolve,
                ErrorKind::NothingToResolve,
            ),
            (
                ProvisionError::UnknownMethod("m-2".into()),
                ErrorKind::UnknownMethod,
            ),
            (ProvisionError::PinUnknown, ErrorKind::PinUnknown),
            (
                ProvisionError::RoleHolder {
                    roles: vec!["Global Administrator".into()],
                },
                ErrorKind::RoleHolder,
            ),
            (
                ProvisionError::PassActive("a@example.com".into()),
                ErrorKind::PassActive,
            ),
            (
                ProvisionError::AuditFailed("disk full".into()),
                ErrorKind::AuditFailed,
            ),
            (
                ProvisionError::AmbiguousMatch { candidates: vec![] },
                ErrorKind::AmbiguousMatch,
            ),
        ];
        for (error, kind) in cases {
            let e = provision_error(&error);
            assert_eq!(e.kind, kind, "{error:?}");
            assert_eq!(e.message, error.to_string());
            assert_eq!(e.remediation, error.remediation());
        }
    }

    #[test]
    fn a_policy_refusal_says_whether_the_user_the_tenant_or_the_key_is_refused() {
        let aaguid = uuid::Uuid::nil();
        let cases = [
            (Refusal::User("disabled"), ErrorKind::NotEligible),
            (
                Refusal::Graph(PolicyRefusal::Guest("g@x".into())),
                ErrorKind::NotEligible,
            ),
            (
                Refusal::Graph(PolicyRefusal::DisabledAccount("d@x".into())),
                ErrorKind::NotEligible,
            ),
            (Refusal::Fido2Disabled, ErrorKind::ProvisioningDisabled),
            (Refusal::NoSelfService, ErrorKind::ProvisioningDisabled),
            (
                Refusal::Graph(PolicyRefusal::MethodDisabled),
                ErrorKind::ProvisioningDisabled,
            ),
            (
                Refusal::Graph(PolicyRefusal::SelfServiceNotAllowed),
                ErrorKind::ProvisioningDisabled,
            ),
            (
                Refusal::AttestationRequired("a".into()),
                ErrorKind::PolicyRefusesKey,
            ),
            (
                Refusal::Graph(PolicyRefusal::Blocked(aaguid)),
                ErrorKind::PolicyRefusesKey,
            ),
            (
                Refusal::Graph(PolicyRefusal::NotAllowed(aaguid)),
                ErrorKind::PolicyRefusesKey,
            ),
            (Refusal::Key("no FIDO2"), ErrorKind::KeyUnsuitable),
        ];
        for (refusal, kind) in cases {
            let e = provision_error(&ProvisionError::Policy(refusal));
            assert_eq!(e.kind, kind, "{}", e.message);
        }
    }

    #[test]
    fn a_key_view_spells_the_aaguid_as_a_uuid() {
        let mut config = SoftKeyConfig::with_serial("31000137");
        config.aaguid = [
            0xfa, 0x2b, 0x99, 0xdc, 0x9e, 0x39, 0x42, 0x57, 0x8f, 0x92, 0x4a, 0x30, 0xd2, 0x3c,
            0x41, 0x18,
        ];
        let view = key_view(&SoftKey::new("sim-1", config), None);
        assert_eq!(view.aaguid, "fa2b99dc-9e39-4257-8f92-4a30d23c4118");
        assert_eq!(view.serial.as_deref(), Some("31000137"));
    }

    #[test]
    fn a_data_folder_in_use_is_its_own_kind_and_names_the_holder() {
        // As `AppState::start` returns it: the station's error, boxed.
        let held: Box<dyn std::error::Error> = Box::new(StationError::Lock(LockError::Held {
            pid: Some(4242),
            path: "/data/keydesk".into(),
        }));
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
