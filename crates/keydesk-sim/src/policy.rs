//! The FIDO2 authentication method policy and its enforcement.
//!
//! Served as `GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/fido2`
//! and enforced twice: when creationOptions are requested (method disabled, self-service
//! setup off) and when a registration arrives (AAGUID allow/block list, attestation
//! enforcement). Tests may replace it at run time through `POST /_sim/policy`.
//!
//! Passkey profiles (v1.0 `passkeyProfile`: `passkeyTypes`, `attestationEnforcement`,
//! `keyRestrictions`), when configured, supersede the top-level key restrictions and
//! attestation flag; the one include target (all users) allows every profile. A security
//! key's passkey is device-bound: a profile must allow `deviceBound`.
//!
//! Not modelled: per-group include/exclude targets (the policy targets all users).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::error::GraphError;

/// Whether the AAGUID list allows or blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Enforcement {
    /// Only the listed AAGUIDs.
    Allow,
    /// Every AAGUID but the listed ones.
    Block,
}

/// `keyRestrictions` of the FIDO2 method configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyRestrictions {
    /// Whether the list applies.
    pub is_enforced: bool,
    /// Allow or block list.
    pub enforcement_type: Enforcement,
    /// The listed AAGUIDs.
    pub aa_guids: Vec<Uuid>,
}

impl Default for KeyRestrictions {
    fn default() -> Self {
        KeyRestrictions {
            is_enforced: false,
            enforcement_type: Enforcement::Block,
            aa_guids: Vec::new(),
        }
    }
}

/// A passkey profile (v1.0 `passkeyProfile`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct PasskeyProfile {
    /// Profile id (named by `includeTargets[].allowedPasskeyProfiles`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Graph's flags enum as text: `deviceBound`, `synced` or `deviceBound,synced`.
    pub passkey_types: String,
    /// `disabled` or `registrationOnly`.
    pub attestation_enforcement: String,
    /// The profile's own AAGUID restrictions.
    pub key_restrictions: KeyRestrictions,
}

impl Default for PasskeyProfile {
    fn default() -> Self {
        PasskeyProfile {
            id: "00000000-0000-0000-0000-000000000001".to_owned(),
            name: "Default passkey profile".to_owned(),
            passkey_types: "deviceBound,synced".to_owned(),
            attestation_enforcement: "disabled".to_owned(),
            key_restrictions: KeyRestrictions::default(),
        }
    }
}

impl PasskeyProfile {
    fn device_bound(&self) -> bool {
        self.passkey_types
            .split(',')
            .any(|t| t.trim().eq_ignore_ascii_case("deviceBound"))
    }

    fn enforces_attestation(&self) -> bool {
        !self
            .attestation_enforcement
            .eq_ignore_ascii_case("disabled")
    }

    fn to_graph(&self) -> Value {
        let r = &self.key_restrictions;
        json!({
            "id": self.id,
            "name": self.name,
            "passkeyTypes": self.passkey_types,
            "attestationEnforcement": self.attestation_enforcement,
            "keyRestrictions": {
                "isEnforced": r.is_enforced,
                "enforcementType": r.enforcement_type,
                "aaGuids": r.aa_guids,
            },
        })
    }
}

/// The FIDO2 method configuration. JSON (camelCase) is the body of `POST /_sim/policy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Fido2Policy {
    /// `state`: the method is enabled for all users.
    pub enabled: bool,
    /// "Allow self-service setup", which provisioning needs.
    pub is_self_service_registration_allowed: bool,
    /// Keys must send a verifiable attestation (without passkey profiles).
    pub is_attestation_enforced: bool,
    /// Top-level AAGUID restrictions (without passkey profiles).
    pub key_restrictions: KeyRestrictions,
    /// Passkey profiles; empty: the tenant does not use them.
    pub passkey_profiles: Vec<PasskeyProfile>,
}

impl Default for Fido2Policy {
    fn default() -> Self {
        Fido2Policy {
            enabled: true,
            is_self_service_registration_allowed: true,
            is_attestation_enforced: false,
            key_restrictions: KeyRestrictions::default(),
            passkey_profiles: Vec::new(),
        }
    }
}

impl Fido2Policy {
    /// A policy that allows only these AAGUIDs.
    pub fn allow(aaguids: Vec<Uuid>) -> Self {
        Self::restricted(Enforcement::Allow, aaguids)
    }

    /// A policy that blocks these AAGUIDs.
    pub fn block(aaguids: Vec<Uuid>) -> Self {
        Self::restricted(Enforcement::Block, aaguids)
    }

    /// The policy the command line asks for: AAGUID lists as text (at most one of the two
    /// non-empty) and whether self-service setup is allowed.
    pub fn from_flags(
        allow: &[String],
        block: &[String],
        self_service: bool,
    ) -> Result<Self, String> {
        let parse = |list: &[String]| {
            list.iter()
                .map(|t| {
                    Uuid::parse_str(t.trim()).map_err(|e| format!("'{t}' is not an AAGUID: {e}"))
                })
                .collect::<Result<Vec<_>, _>>()
        };
        let mut policy = match (allow.is_empty(), block.is_empty()) {
            (true, true) => Fido2Policy::default(),
            (false, true) => Fido2Policy::allow(parse(allow)?),
            (true, false) => Fido2Policy::block(parse(block)?),
            (false, false) => {
                return Err(
                    "the FIDO2 policy holds either an allow list or a block list, not both"
                        .to_owned(),
                )
            }
        };
        policy.is_self_service_registration_allowed = self_service;
        Ok(policy)
    }

    fn restricted(enforcement_type: Enforcement, aa_guids: Vec<Uuid>) -> Self {
        Fido2Policy {
            key_restrictions: KeyRestrictions {
                is_enforced: true,
                enforcement_type,
                aa_guids,
            },
            ..Fido2Policy::default()
        }
    }

    /// Graph's rendering of the method configuration.
    pub fn to_graph(&self) -> Value {
        let r = &self.key_restrictions;
        let mut target = json!(
            { "targetType": "group", "id": "all_users", "isRegistrationRequired": false }
        );
        let mut graph = json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#authenticationMethodConfigurations/$entity",
            "@odata.type": "#microsoft.graph.fido2AuthenticationMethodConfiguration",
            "id": "Fido2",
            "state": if self.enabled { "enabled" } else { "disabled" },
            "isSelfServiceRegistrationAllowed": self.is_self_service_registration_allowed,
            "isAttestationEnforced": self.is_attestation_enforced,
            "keyRestrictions": {
                "isEnforced": r.is_enforced,
                "enforcementType": r.enforcement_type,
                "aaGuids": r.aa_guids,
            },
            "excludeTargets": [],
        });
        if !self.passkey_profiles.is_empty() {
            let profiles: Vec<Value> = self.passkey_profiles.iter().map(|p| p.to_graph()).collect();
            let ids: Vec<&str> = self
                .passkey_profiles
                .iter()
                .map(|p| p.id.as_str())
                .collect();
            graph["passkeyProfiles"] = json!(profiles);
            target["allowedPasskeyProfiles"] = json!(ids);
        }
        graph["includeTargets"] = json!([target]);
        graph
    }

    /// Checks made before a challenge is issued.
    pub fn check_provisioning(&self) -> Result<(), GraphError> {
        if !self.enabled {
            return Err(GraphError::invalid_request(
                "The FIDO2 authentication method is disabled in the authentication methods policy; enable it (state: enabled) for the users to provision.",
            ));
        }
        if !self.is_self_service_registration_allowed {
            return Err(GraphError::invalid_request(
                "FIDO2 provisioning requires 'Allow self-service setup' (isSelfServiceRegistrationAllowed) in the FIDO2 authentication method policy.",
            ));
        }
        Ok(())
    }

    /// Checks a key's AAGUID and attestation at registration.
    pub fn check_key(&self, aaguid: Uuid, attested: bool) -> Result<(), GraphError> {
        self.check_provisioning()?;
        if !self.passkey_profiles.is_empty() {
            return self.check_profiles(aaguid, attested);
        }
        let r = &self.key_restrictions;
        if r.is_enforced {
            let listed = r.aa_guids.contains(&aaguid);
            match r.enforcement_type {
                Enforcement::Allow if !listed => {
                    return Err(GraphError::invalid_request(format!(
                        "The security key's AAGUID {aaguid} is not in the FIDO2 policy's allow list (keyRestrictions, enforcementType allow)."
                    )))
                }
                Enforcement::Block if listed => {
                    return Err(GraphError::invalid_request(format!(
                        "The security key's AAGUID {aaguid} is blocked by the FIDO2 policy's key restrictions (enforcementType block)."
                    )))
                }
                _ => {}
            }
        }
        if self.is_attestation_enforced && !attested {
            return Err(GraphError::invalid_request(
                "The FIDO2 policy enforces attestation (isAttestationEnforced), but the key sent no attestation certificate (fmt 'none' or self attestation).",
            ));
        }
        Ok(())
    }
}

impl Fido2Policy {
    /// A security key's passkey (device-bound) must fit one profile: its types, its key
    /// restrictions and its attestation enforcement.
    fn check_profiles(&self, aaguid: Uuid, attested: bool) -> Result<(), GraphError> {
        let bound: Vec<&PasskeyProfile> = self
            .passkey_profiles
            .iter()
            .filter(|p| p.device_bound())
            .collect();
        if bound.is_empty() {
            return Err(GraphError::invalid_request(
                "No passkey profile allowed for the user permits device-bound passkeys (passkeyTypes); a security key's passkey is device-bound.",
            ));
        }
        let permitted: Vec<&&PasskeyProfile> = bound
            .iter()
            .filter(|p| {
                let r = &p.key_restrictions;
                !r.is_enforced
                    || r.aa_guids.contains(&aaguid) == (r.enforcement_type == Enforcement::Allow)
            })
            .collect();
        if permitted.is_empty() {
            return Err(GraphError::invalid_request(format!(
                "The security key's AAGUID {aaguid} is not permitted by the key restrictions of any passkey profile allowed for the user."
            )));
        }
        if !attested && permitted.iter().all(|p| p.enforces_attestation()) {
            return Err(GraphError::invalid_request(
                "The passkey profile enforces attestation (attestationEnforcement registrationOnly), but the key sent no attestation certificate.",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_and_block_lists() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        assert!(Fido2Policy::allow(vec![a]).check_key(a, false).is_ok());
        let e = Fido2Policy::allow(vec![a]).check_key(b, false).unwrap_err();
        assert!(e.message.contains("allow list"));
        let e = Fido2Policy::block(vec![a]).check_key(a, false).unwrap_err();
        assert!(e.message.contains("blocked"));
        assert!(Fido2Policy::block(vec![a]).check_key(b, false).is_ok());
        let enforced = Fido2Policy {
            is_attestation_enforced: true,
            ..Fido2Policy::default()
        };
        assert!(enforced.check_key(a, false).is_err());
        assert!(enforced.check_key(a, true).is_ok());
    }

    #[test]
    fn passkey_profiles_supersede_the_top_level_settings() {
        let a = Uuid::from_u128(1);
        let synced_only = Fido2Policy {
            passkey_profiles: vec![PasskeyProfile {
                passkey_types: "synced".into(),
                ..PasskeyProfile::default()
            }],
            ..Fido2Policy::block(vec![])
        };
        let e = synced_only.check_key(a, true).unwrap_err();
        assert!(e.message.contains("device-bound"), "{}", e.message);
        let attesting = Fido2Policy {
            passkey_profiles: vec![PasskeyProfile {
                attestation_enforcement: "registrationOnly".into(),
                ..PasskeyProfile::default()
            }],
            ..Fido2Policy::default()
        };
        assert!(attesting.check_key(a, false).is_err());
        assert!(attesting.check_key(a, true).is_ok());
        let graph = attesting.to_graph();
        assert_eq!(
            graph["passkeyProfiles"][0]["passkeyTypes"],
            "deviceBound,synced"
        );
        assert_eq!(
            graph["includeTargets"][0]["allowedPasskeyProfiles"][0],
            attesting.passkey_profiles[0].id
        );
    }
}
