//! The tenant's FIDO2 method policy and the pure question "may this key be registered for
//! this user, and if not, why".
//!
//! Reading follows Graph's fido2AuthenticationMethodConfiguration: `state`, `isSelfServiceRegistrationAllowed` (must be true for
//! provisioning), `keyRestrictions` (allow or block lists of AAGUIDs), and the newer
//! `passkeyProfiles` with `includeTargets[].allowedPasskeyProfiles`, which supersede the
//! top-level key restrictions when present. [`may_register`] does no I/O: the engine asks
//! it before writing anything to a key.
//!
//! Passkey profiles (the v1.0 `passkeyProfile` resource) also carry `passkeyTypes` (a
//! security key's passkey is device-bound: a profile that allows only `synced` cannot take
//! it) and `attestationEnforcement`; [`attestation_required`] says whether the profiles
//! that fit the key (or the top-level `isAttestationEnforced`) demand an attestation.
//!
//! Not judged: whether the key's attestation passes Entra's metadata check (the engine
//! asks [`attestation_required`] and decides by key model) and which groups the policy
//! targets (needs the user's memberships); Graph still refuses those at register.

use std::fmt;

use keydesk_core::DirectoryUser;
use serde::Deserialize;
use uuid::Uuid;

use crate::http::Call;
use crate::{GraphClient, GraphError, Operation};

/// An allow or block list of authenticator models.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyRestrictions {
    /// Whether the list is applied at all.
    pub enforced: bool,
    /// `true` for an allow list, `false` for a block list.
    pub allow: bool,
    /// The listed AAGUIDs (unreadable entries are dropped).
    pub aaguids: Vec<Uuid>,
}

impl KeyRestrictions {
    fn permits(&self, aaguid: Uuid) -> bool {
        !self.enforced || self.aaguids.contains(&aaguid) == self.allow
    }
}

/// A passkey profile: a named set of key restrictions that targets may allow.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PasskeyProfile {
    /// Profile id.
    pub id: String,
    /// Profile name.
    pub name: String,
    /// Its key restrictions, if any.
    pub key_restrictions: Option<KeyRestrictions>,
    /// `passkeyTypes` (`deviceBound`, `synced`); empty when the profile does not say.
    pub passkey_types: Vec<String>,
    /// `attestationEnforcement` is anything but `disabled` (e.g. `registrationOnly`).
    pub attestation_enforced: bool,
}

impl PasskeyProfile {
    /// Whether a security key's (device-bound) passkey may be registered under it.
    pub fn allows_device_bound(&self) -> bool {
        self.passkey_types.is_empty()
            || self
                .passkey_types
                .iter()
                .any(|t| t.eq_ignore_ascii_case("deviceBound"))
    }
}

/// The FIDO2 authentication method policy, as far as provisioning depends on it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fido2Policy {
    /// `state == "enabled"`.
    pub enabled: bool,
    /// `isSelfServiceRegistrationAllowed`.
    pub self_service_allowed: bool,
    /// `isAttestationEnforced` (informational; see the module docs).
    pub attestation_enforced: bool,
    /// Top-level key restrictions.
    pub key_restrictions: Option<KeyRestrictions>,
    /// Passkey profiles, when the tenant uses them.
    pub profiles: Vec<PasskeyProfile>,
    /// Profile ids the include targets allow (empty: every profile).
    pub allowed_profiles: Vec<String>,
}

/// Why a key may not be registered for a user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyRefusal {
    /// The FIDO2 method is disabled in the tenant.
    #[error("the FIDO2 security key method is disabled in the tenant")]
    MethodDisabled,
    /// "Allow self-service setup" is off, which provisioning needs.
    #[error("the FIDO2 policy does not allow self-service setup")]
    SelfServiceNotAllowed,
    /// Guests cannot hold passkeys.
    #[error("{0} is a guest, and guests cannot hold passkeys")]
    Guest(String),
    /// The account is disabled.
    #[error("{0} is disabled")]
    DisabledAccount(String),
    /// The key's model is on the block list.
    #[error("the key model {0} is blocked by the FIDO2 policy")]
    Blocked(Uuid),
    /// The key's model is not on the allow list (or in any allowed passkey profile).
    #[error("the key model {0} is not allowed by the FIDO2 policy")]
    NotAllowed(Uuid),
    /// No passkey profile allowed for the user permits device-bound passkeys, which is
    /// what a security key holds.
    #[error("no passkey profile of the FIDO2 policy allows device-bound passkeys (security keys)")]
    DeviceBoundNotAllowed,
}

impl PolicyRefusal {
    /// What the technician can do about it.
    pub fn remediation(&self) -> String {
        match self {
            PolicyRefusal::MethodDisabled | PolicyRefusal::SelfServiceNotAllowed => {
                "Ask an administrator to enable the Passkey (FIDO2) method with \"Allow \
                 self-service setup\" on (Entra admin center, Authentication methods)."
                    .into()
            }
            PolicyRefusal::Guest(_) => "Provision the user's home account instead.".into(),
            PolicyRefusal::DisabledAccount(_) => {
                "Enable the account first, or skip the user.".into()
            }
            PolicyRefusal::DeviceBoundNotAllowed => "Ask an administrator to allow device-bound \
                passkeys (passkey types) in a passkey profile that targets these users (Entra \
                admin center, Authentication methods, Passkey (FIDO2))."
                .into(),
            PolicyRefusal::Blocked(_) | PolicyRefusal::NotAllowed(_) => "Use a key model the \
                policy allows, or ask an administrator to add this model's AAGUID to the \
                key restrictions."
                .into(),
        }
    }
}

/// May a key of model `aaguid` be registered for `user`? Pure; see the module docs.
pub fn may_register(
    policy: &Fido2Policy,
    aaguid: Uuid,
    user: &DirectoryUser,
) -> Result<(), PolicyRefusal> {
    if !policy.enabled {
        return Err(PolicyRefusal::MethodDisabled);
    }
    if !policy.self_service_allowed {
        return Err(PolicyRefusal::SelfServiceNotAllowed);
    }
    if user.guest {
        return Err(PolicyRefusal::Guest(user.upn.clone()));
    }
    if !user.enabled {
        return Err(PolicyRefusal::DisabledAccount(user.upn.clone()));
    }
    if !policy.profiles.is_empty() {
        let allowed: Vec<&PasskeyProfile> = allowed_profiles(policy).collect();
        if allowed.is_empty() {
            return Err(PolicyRefusal::MethodDisabled);
        }
        if !allowed.iter().any(|p| p.allows_device_bound()) {
            return Err(PolicyRefusal::DeviceBoundNotAllowed);
        }
        return if fitting_profiles(policy, aaguid).next().is_some() {
            Ok(())
        } else {
            Err(PolicyRefusal::NotAllowed(aaguid))
        };
    }
    match &policy.key_restrictions {
        Some(r) if !r.permits(aaguid) && r.allow => Err(PolicyRefusal::NotAllowed(aaguid)),
        Some(r) if !r.permits(aaguid) => Err(PolicyRefusal::Blocked(aaguid)),
        _ => Ok(()),
    }
}

/// Whether registering a key of model `aaguid` needs an attestation Entra can verify:
/// with passkey profiles, when every profile the key fits enforces attestation; without,
/// the top-level `isAttestationEnforced`.
pub fn attestation_required(policy: &Fido2Policy, aaguid: Uuid) -> bool {
    if policy.profiles.is_empty() {
        return policy.attestation_enforced;
    }
    let mut fitting = fitting_profiles(policy, aaguid).peekable();
    fitting.peek().is_some() && fitting.all(|p| p.attestation_enforced)
}

/// The profiles the include targets allow (all of them when the targets name none).
fn allowed_profiles(policy: &Fido2Policy) -> impl Iterator<Item = &PasskeyProfile> {
    policy
        .profiles
        .iter()
        .filter(|p| policy.allowed_profiles.is_empty() || policy.allowed_profiles.contains(&p.id))
}

/// The allowed profiles under which a security key of model `aaguid` may be registered.
fn fitting_profiles(policy: &Fido2Policy, aaguid: Uuid) -> impl Iterator<Item = &PasskeyProfile> {
    allowed_profiles(policy).filter(move |p| {
        p.allows_device_bound()
            && p.key_restrictions
                .as_ref()
                .is_none_or(|r| r.permits(aaguid))
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PolicyDto {
    state: Option<String>,
    is_self_service_registration_allowed: Option<bool>,
    is_attestation_enforced: Option<bool>,
    key_restrictions: Option<RestrictionsDto>,
    #[serde(default)]
    passkey_profiles: Vec<ProfileDto>,
    #[serde(default)]
    include_targets: Vec<TargetDto>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RestrictionsDto {
    is_enforced: Option<bool>,
    enforcement_type: Option<String>,
    #[serde(default)]
    aa_guids: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProfileDto {
    id: Option<String>,
    name: Option<String>,
    key_restrictions: Option<RestrictionsDto>,
    /// A flags enum: Graph writes `"deviceBound,synced"`; an array is accepted too.
    passkey_types: Option<serde_json::Value>,
    attestation_enforcement: Option<String>,
}

/// `passkeyTypes` as a list: split on commas (Graph's flags-enum spelling) or an array.
fn passkey_types(value: Option<serde_json::Value>) -> Vec<String> {
    let words = |text: &str| -> Vec<String> {
        text.split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect()
    };
    match value {
        Some(serde_json::Value::String(text)) => words(&text),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(serde_json::Value::as_str)
            .flat_map(words)
            .collect(),
        _ => Vec::new(),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TargetDto {
    #[serde(default)]
    allowed_passkey_profiles: Vec<String>,
}

fn restrictions(dto: RestrictionsDto) -> KeyRestrictions {
    KeyRestrictions {
        enforced: dto.is_enforced.unwrap_or(false),
        allow: dto
            .enforcement_type
            .is_some_and(|t| t.eq_ignore_ascii_case("allow")),
        aaguids: dto
            .aa_guids
            .iter()
            .filter_map(|g| Uuid::parse_str(g.trim()).ok())
            .collect(),
    }
}

/// Reads the policy document.
pub(crate) fn parse_policy(body: &[u8]) -> Result<Fido2Policy, serde_json::Error> {
    let dto: PolicyDto = serde_json::from_slice(body)?;
    Ok(Fido2Policy {
        enabled: dto.state.is_some_and(|s| s.eq_ignore_ascii_case("enabled")),
        self_service_allowed: dto.is_self_service_registration_allowed.unwrap_or(true),
        attestation_enforced: dto.is_attestation_enforced.unwrap_or(false),
        key_restrictions: dto.key_restrictions.map(restrictions),
        profiles: dto
            .passkey_profiles
            .into_iter()
            .map(|p| PasskeyProfile {
                id: p.id.unwrap_or_default(),
                name: p.name.unwrap_or_default(),
                key_restrictions: p.key_restrictions.map(restrictions),
                passkey_types: passkey_types(p.passkey_types),
                attestation_enforced: p
                    .attestation_enforcement
                    .is_some_and(|a| !a.eq_ignore_ascii_case("disabled")),
            })
            .collect(),
        allowed_profiles: dto
            .include_targets
            .into_iter()
            .flat_map(|t| t.allowed_passkey_profiles)
            .collect(),
    })
}

impl GraphClient {
    /// The tenant's FIDO2 method policy.
    pub async fn fido2_policy(&self) -> Result<Fido2Policy, GraphError> {
        let url = self.url(
            self.config().api,
            &[
                "policies",
                "authenticationMethodsPolicy",
                "authenticationMethodConfigurations",
                "fido2",
            ],
        );
        let template =
            "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/fido2";
        let reply = self
            .send(Call::get(Operation::ReadFido2Policy, template, url))
            .await?;
        parse_policy(&reply.body).map_err(|e| GraphError::Malformed {
            what: "FIDO2 policy".into(),
            detail: e.to_string(),
            request_id: reply.request_id.clone(),
        })
    }
}

impl fmt::Display for Fido2Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "FIDO2 {}, self-service {}",
            if self.enabled { "enabled" } else { "disabled" },
            if self.self_service_allowed {
                "allowed"
            } else {
                "off"
            }
        )
    }
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
