//! The FIDO2 authentication method policy and its enforcement.
//!
//! Served as `GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/fido2`
//! and enforced twice: when creationOptions are requested (method disabled, self-service
//! setup off) and when a registration arrives (AAGUID allow/block list, attestation
//! enforcement). Tests may replace it at run time through `POST /_sim/policy`.
//!
//! Not modelled: passkey profiles and per-group include/exclude targets (the policy
//! targets all users).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::error::GraphError;

/// Whether the AAGUID list allows or blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Enforcement {
    Allow,
    Block,
}

/// `keyRestrictions` of the FIDO2 method configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyRestrictions {
    pub is_enforced: bool,
    pub enforcement_type: Enforcement,
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

/// The FIDO2 method configuration. JSON (camelCase) is the body of `POST /_sim/policy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Fido2Policy {
    /// `state`: the method is enabled for all users.
    pub enabled: bool,
    pub is_self_service_registration_allowed: bool,
    pub is_attestation_enforced: bool,
    pub key_restrictions: KeyRestrictions,
}

impl Default for Fido2Policy {
    fn default() -> Self {
        Fido2Policy {
            enabled: true,
            is_self_service_registration_allowed: true,
            is_attestation_enforced: false,
            key_restrictions: KeyRestrictions::default(),
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
        json!({
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
            "includeTargets": [
                { "targetType": "group", "id": "all_users", "isRegistrationRequired": false }
            ],
            "excludeTargets": [],
        })
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
}
