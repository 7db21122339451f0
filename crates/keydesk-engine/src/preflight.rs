//! Pre-flight: the checks made before anything is written to a key, each refusal with a
//! reason an operator understands. Pure functions over what Graph and the key reported.
//!
//! Attestation enforcement: Entra checks a key's attestation against the FIDO metadata
//! service; a model KeyDesk knows ([`known_model`], or listed in the desk's metadata BLOB)
//! is taken to pass, an unknown one is refused unless the operator set
//! [`crate::Settings::allow_unverified_attestation`]. With a BLOB loaded, the model's
//! status and the key's attestation chain are judged too (`crate::metadata`), with the
//! refusals [`Refusal::ModelUnfit`] and [`Refusal::AttestationChain`].

use keydesk_core::DirectoryUser;
use keydesk_fido::{aaguid_text, KeyInfo};
use keydesk_graph::Fido2Policy;

/// Why a user, the tenant or a key cannot go ahead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Guest or disabled account.
    #[error("{0}")]
    User(&'static str),
    /// The FIDO2 method is disabled in the tenant.
    #[error("the FIDO2 security key method is disabled in this tenant")]
    Fido2Disabled,
    /// "Allow self-service setup" is off: Entra refuses provisioning.
    #[error("the FIDO2 policy does not allow self-service setup, which provisioning needs")]
    NoSelfService,
    /// Attestation is enforced and the key's model (this AAGUID) is not one KeyDesk knows,
    /// so nothing shows it would pass Entra's metadata check.
    #[error("the FIDO2 policy enforces attestation and this key's model (AAGUID {0}) is unknown to KeyDesk, so it cannot be shown to pass Entra's attestation metadata check")]
    AttestationRequired(String),
    /// The key cannot do the job.
    #[error("this key cannot be used: {0}")]
    Key(&'static str),
    /// The FIDO metadata BLOB's latest status report for the model makes it unfit.
    #[error("this key cannot be used: {reason} (FIDO metadata status {status} for {model})")]
    ModelUnfit {
        /// Model name and AAGUID.
        model: String,
        /// The status, e.g. "REVOKED".
        status: String,
        /// What it means.
        reason: &'static str,
    },
    /// Under enforced attestation, the key's attestation chain does not verify to its
    /// model's roots in the FIDO metadata: Entra would refuse the registration.
    #[error("this key's attestation does not chain to its vendor's root ({0}); Entra enforces attestation and would refuse it, so nothing was sent")]
    AttestationChain(String),
    /// Graph's reading of the policy (passkey profiles, key restrictions) refuses.
    #[error("{0}")]
    Graph(keydesk_graph::PolicyRefusal),
    /// The policy's key restrictions refuse this model; `line` says them as the policy
    /// states them, so the operator sees which rule refused.
    #[error("{refusal} (key restrictions: {line})")]
    Restricted {
        /// Graph's reading.
        refusal: keydesk_graph::PolicyRefusal,
        /// The key restrictions, e.g. "enforced, block cb69481e-…".
        line: String,
    },
}

impl Refusal {
    /// What to do about it.
    pub fn remediation(&self) -> &'static str {
        match self {
            Refusal::User(_) => "Nothing to do for this user; fix the account in Entra ID first if they should get a key.",
            Refusal::Fido2Disabled | Refusal::NoSelfService => "In Entra ID → Authentication methods → Passkey (FIDO2), enable the method and 'Allow self-service set up', then try again.",
            Refusal::AttestationRequired(_) => "Use a key model KeyDesk knows (a listed YubiKey, Feitian, Token2… model), or, if you know this model is in the FIDO metadata service, set 'allow unverified attestation' in the settings to try it; nothing was written to the key.",
            Refusal::Key(_) => "Use another key: this one cannot store a passkey for Entra ID.",
            Refusal::ModelUnfit { .. } => "Use a key of another model, and take keys of this model out of circulation; nothing was written to this key.",
            Refusal::AttestationChain(_) => "Use another key: this one may be counterfeit or re-flashed; its new credential was removed from the key where it supports that, and nothing reached Entra ID.",
            Refusal::Graph(_) | Refusal::Restricted { .. } => "Use a key model the tenant's FIDO2 policy allows, or ask an administrator to change the policy.",
        }
    }
}

/// The user can hold a passkey.
pub fn check_user(user: &DirectoryUser) -> Result<(), Refusal> {
    match user.ineligibility() {
        Some(why) => Err(Refusal::User(why)),
        None => Ok(()),
    }
}

/// The tenant lets provisioning happen at all.
pub fn check_tenant(policy: &Fido2Policy) -> Result<(), Refusal> {
    if !policy.enabled {
        return Err(Refusal::Fido2Disabled);
    }
    if !policy.self_service_allowed {
        return Err(Refusal::NoSelfService);
    }
    Ok(())
}

/// A refusal of the model by the top-level key restrictions, with the restrictions said.
fn restricted(policy: &Fido2Policy, refusal: keydesk_graph::PolicyRefusal) -> Refusal {
    use keydesk_graph::PolicyRefusal::{Blocked, NotAllowed};
    match (&refusal, &policy.key_restrictions) {
        (Blocked(_) | NotAllowed(_), Some(r)) => {
            let list: Vec<String> = r.aaguids.iter().map(ToString::to_string).collect();
            let kind = if r.allow { "allow only" } else { "block" };
            let line = format!(
                "{}, {kind} {}",
                if r.enforced {
                    "enforced"
                } else {
                    "not enforced"
                },
                if list.is_empty() {
                    "no model".to_owned()
                } else {
                    list.join(", ")
                }
            );
            Refusal::Restricted { refusal, line }
        }
        _ => Refusal::Graph(refusal),
    }
}

/// The tenant accepts this key model for this user: its key restrictions and passkey
/// profiles as `keydesk_graph::may_register` reads them, then attestation enforcement.
/// `attests` is whether the model gives a full attestation (packed with a certificate).
pub fn check_key_model(
    policy: &Fido2Policy,
    aaguid: &[u8; 16],
    attests: bool,
    user: &DirectoryUser,
) -> Result<(), Refusal> {
    let model = uuid::Uuid::from_bytes(*aaguid);
    keydesk_graph::may_register(policy, model, user)
        .map_err(|refusal| restricted(policy, refusal))?;
    if keydesk_graph::attestation_required(policy, model) && !attests {
        return Err(Refusal::AttestationRequired(aaguid_text(aaguid)));
    }
    Ok(())
}

/// Whether KeyDesk knows the key's model: listed in the driver's AAGUID table, or a
/// KeyDesk soft key. Only a known model can be expected to pass Entra's attestation
/// (metadata) check when the tenant enforces attestation.
pub fn known_model(aaguid: &[u8; 16]) -> bool {
    *aaguid == keydesk_fido::soft::SOFT_KEY_AAGUID
        || keydesk_fido::hid::models::model_name(aaguid) != keydesk_fido::hid::models::UNKNOWN_MODEL
}

/// The key can store an Entra passkey; `wants_min_pin_length` asks for CTAP 2.1 config.
pub fn check_key(info: &KeyInfo, wants_min_pin_length: bool) -> Result<(), Refusal> {
    if !info.versions.iter().any(|v| v.starts_with("FIDO_2")) {
        return Err(Refusal::Key("it does not speak FIDO2"));
    }
    if !info.resident_keys {
        return Err(Refusal::Key("it cannot store discoverable credentials"));
    }
    if info.remaining_discoverable_credentials == Some(0) {
        return Err(Refusal::Key("its passkey storage is full"));
    }
    if info.client_pin.is_none() {
        return Err(Refusal::Key("it does not support a PIN"));
    }
    if wants_min_pin_length && !info.supports_min_pin_length {
        return Err(Refusal::Key(
            "it cannot enforce a minimum PIN length (CTAP 2.1), which the settings ask for",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use keydesk_graph::{KeyRestrictions, PolicyRefusal};

    use super::*;

    const AAGUID: [u8; 16] = [0xaa; 16];

    fn member() -> DirectoryUser {
        DirectoryUser {
            id: "u".into(),
            upn: "kim@x".into(),
            display_name: String::new(),
            enabled: true,
            guest: false,
            department: None,
            office: None,
        }
    }

    fn open_policy() -> Fido2Policy {
        Fido2Policy {
            enabled: true,
            self_service_allowed: true,
            ..Fido2Policy::default()
        }
    }

    #[test]
    fn each_tenant_refusal_names_its_reason() {
        assert_eq!(check_tenant(&open_policy()), Ok(()));
        let off = Fido2Policy::default();
        assert_eq!(check_tenant(&off), Err(Refusal::Fido2Disabled));
        let no_ssr = Fido2Policy {
            self_service_allowed: false,
            ..open_policy()
        };
        let refusal = check_tenant(&no_ssr).unwrap_err();
        assert!(refusal.to_string().contains("self-service"), "{refusal}");
    }

    #[test]
    fn key_restrictions_are_graphs_and_attestation_is_honoured() {
        let text = aaguid_text(&AAGUID);
        let listing = |allow: bool, aaguids: Vec<uuid::Uuid>| Fido2Policy {
            key_restrictions: Some(KeyRestrictions {
                enforced: true,
                allow,
                aaguids,
            }),
            ..open_policy()
        };
        let this = uuid::Uuid::from_bytes(AAGUID);
        let refusal =
            check_key_model(&listing(false, vec![this]), &AAGUID, true, &member()).unwrap_err();
        assert_eq!(
            refusal,
            Refusal::Restricted {
                refusal: PolicyRefusal::Blocked(this),
                line: format!("enforced, block {text}"),
            }
        );
        // The operator reads the rule that refused, not only that one did.
        assert_eq!(
            refusal.to_string(),
            format!("the key model {text} is blocked by the FIDO2 policy (key restrictions: enforced, block {text})")
        );
        assert_eq!(
            check_key_model(&listing(true, vec![this]), &AAGUID, true, &member()),
            Ok(())
        );
        let enforced = Fido2Policy {
            attestation_enforced: true,
            ..open_policy()
        };
        let refusal = check_key_model(&enforced, &AAGUID, false, &member()).unwrap_err();
        assert_eq!(refusal, Refusal::AttestationRequired(text.clone()));
        assert!(refusal.to_string().contains(&text), "{refusal}");
        assert!(refusal
            .remediation()
            .contains("allow unverified attestation"));
        assert_eq!(check_key_model(&enforced, &AAGUID, true, &member()), Ok(()));
    }

    #[test]
    fn known_models_are_the_table_and_the_soft_key() {
        assert!(known_model(&keydesk_fido::soft::SOFT_KEY_AAGUID));
        let yubikey = *uuid::Uuid::parse_str("cb69481e-8ff7-4039-93ec-0a2729a154a8")
            .unwrap()
            .as_bytes();
        assert!(known_model(&yubikey));
        assert!(!known_model(&AAGUID));
    }

    #[test]
    fn a_key_without_fido2_a_pin_room_or_ctap21_is_refused_with_its_reason() {
        let good = KeyInfo {
            versions: vec!["FIDO_2_0".into(), "FIDO_2_1".into()],
            aaguid: AAGUID,
            client_pin: Some(false),
            resident_keys: true,
            min_pin_length: 4,
            pin_protocols: vec![2],
            remaining_discoverable_credentials: Some(25),
            model: "Test Key".into(),
            serial: None,
            force_pin_change: false,
            supports_config: true,
            supports_min_pin_length: true,
            supports_cred_mgmt: true,
            firmware: None,
            biometric: false,
        };
        assert!(check_key(&good, true).is_ok());
        let cases: [(KeyInfo, bool, &str); 5] = [
            (
                KeyInfo {
                    versions: vec!["U2F_V2".into()],
                    ..good.clone()
                },
                false,
                "does not speak FIDO2",
            ),
            (
                KeyInfo {
                    resident_keys: false,
                    ..good.clone()
                },
                false,
                "discoverable",
            ),
            (
                KeyInfo {
                    remaining_discoverable_credentials: Some(0),
                    ..good.clone()
                },
                false,
                "storage is full",
            ),
            (
                KeyInfo {
                    client_pin: None,
                    ..good.clone()
                },
                false,
                "does not support a PIN",
            ),
            (
                KeyInfo {
                    supports_min_pin_length: false,
                    ..good.clone()
                },
                true,
                "CTAP 2.1",
            ),
        ];
        for (info, wants_min, reason) in cases {
            let refusal = check_key(&info, wants_min).unwrap_err();
            let text = refusal.to_string();
            assert!(text.starts_with("this key cannot be used: "), "{text}");
            assert!(text.contains(reason), "{text}");
            assert!(!refusal.remediation().is_empty());
        }
    }

    #[test]
    fn guests_and_disabled_users_are_refused() {
        let mut user = DirectoryUser {
            id: "u".into(),
            upn: "g@x".into(),
            display_name: String::new(),
            enabled: true,
            guest: true,
            department: None,
            office: None,
        };
        assert!(check_user(&user).unwrap_err().to_string().contains("guest"));
        user.guest = false;
        user.enabled = false;
        assert!(check_user(&user)
            .unwrap_err()
            .to_string()
            .contains("disabled"));
    }
}
