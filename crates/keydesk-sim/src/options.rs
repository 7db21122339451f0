//! creationOptions: the challenge Entra issues before a passkey is registered.
//!
//! The challenge is an opaque blob of several kilobytes, as Entra's are (see
//! [`crate::challenge`]), swapped into webauthn-rs-core's registration ceremony, whose
//! `RegistrationState` is kept server side, keyed by the raw challenge bytes, with the user
//! it was issued to and its expiry on the simulated clock. The JSON sent back is written
//! here in Entra's shape (top level, `excludeCredentials` plain on v1.0 and padding-digit on
//! beta, 51-byte user handles, `timeout` 0), not
//! webauthn-rs's.

use std::time::Duration;

use serde_json::{json, Value};
use webauthn_rs_core::proto::{
    AttestationConveyancePreference, AuthenticatorAttachment, COSEAlgorithm, CredProtect,
    CredentialProtectionPolicy, RequestRegistrationExtensions, UserVerificationPolicy,
};

use crate::b64;
use crate::clock::rfc3339_seconds;
use crate::directory::{User, UserType};
use crate::error::GraphError;
use crate::query::Query;
use crate::tenant::{PendingChallenge, Tenant};
use crate::version::ApiVersion;

/// v1.0's fixed challenge lifetime, and beta's default.
const DEFAULT_MINUTES: u64 = 5;
const MAX_MINUTES: u64 = 43200;
const PARAMETER: &str = "challengeTimeoutInMinutes";

/// Reads the challenge lifetime from the segment `creationOptions[(challengeTimeoutInMinutes=N)]`.
pub fn parse_timeout(
    version: ApiVersion,
    segment: &str,
    query: &Query,
) -> Result<Duration, GraphError> {
    if query.get(PARAMETER).is_some() {
        return Err(GraphError::new(
            axum::http::StatusCode::METHOD_NOT_ALLOWED,
            "methodNotAllowed",
            "challengeTimeoutInMinutes in the query string is not supported; use the function form creationOptions(challengeTimeoutInMinutes=N) on /beta.",
        ));
    }
    let Some(arguments) = segment.strip_prefix("creationOptions") else {
        return Err(GraphError::bad_request(format!(
            "Unknown segment '{segment}'."
        )));
    };
    if arguments.is_empty() || arguments == "()" {
        return Ok(Duration::from_secs(DEFAULT_MINUTES * 60));
    }
    let inner = arguments
        .strip_prefix('(')
        .and_then(|a| a.strip_suffix(')'))
        .ok_or_else(|| GraphError::bad_request(format!("Malformed function call '{segment}'.")))?;
    if version == ApiVersion::V1 {
        return Err(GraphError::bad_request(
            "challengeTimeoutInMinutes is not supported on v1.0, whose challenges are valid for 5 minutes; use /beta for a custom timeout.",
        ));
    }
    let (name, value) = inner
        .split_once('=')
        .filter(|(name, _)| name.trim().eq_ignore_ascii_case(PARAMETER))
        .ok_or_else(|| {
            GraphError::bad_request(format!(
                "creationOptions accepts only the parameter {PARAMETER}, got '{inner}'."
            ))
        })?;
    let minutes: u64 = value.trim().parse().map_err(|_| {
        GraphError::bad_request(format!(
            "{} must be an integer, got '{}'.",
            name.trim(),
            value.trim()
        ))
    })?;
    if !(DEFAULT_MINUTES..=MAX_MINUTES).contains(&minutes) {
        return Err(GraphError::bad_request(format!(
            "{PARAMETER} must be between {DEFAULT_MINUTES} and {MAX_MINUTES} minutes, got {minutes}."
        )));
    }
    Ok(Duration::from_secs(minutes * 60))
}

/// Refuses guests and disabled accounts, which cannot hold passkeys.
pub fn check_eligible(user: &User) -> Result<(), GraphError> {
    if user.user_type == UserType::Guest {
        return Err(GraphError::invalid_request(format!(
            "User '{}' is a guest (userType Guest); guest users cannot register passkeys.",
            user.upn
        )));
    }
    if !user.account_enabled {
        return Err(GraphError::invalid_request(format!(
            "User '{}' is disabled (accountEnabled false); passkeys cannot be registered for a disabled account.",
            user.upn
        )));
    }
    Ok(())
}

/// Issues a challenge for `user` and renders the creationOptions JSON.
///
/// `excludeCredentials` ids follow each version's documentation: plain base64url on v1.0,
/// the padding-digit form on beta. The challenge remembers the version that issued it.
pub fn issue(
    tenant: &Tenant,
    user: &User,
    lifetime: Duration,
    version: ApiVersion,
) -> Result<Value, GraphError> {
    check_eligible(user)?;
    tenant.live().policy.check_provisioning()?;
    let extensions = RequestRegistrationExtensions {
        cred_protect: Some(CredProtect {
            credential_protection_policy: CredentialProtectionPolicy::UserVerificationOptional,
            enforce_credential_protection_policy: Some(true),
        }),
        uvm: None,
        cred_props: None,
        min_pin_length: None,
        hmac_create_secret: Some(true),
    };
    fn internal(e: impl std::fmt::Display) -> GraphError {
        GraphError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "generalException",
            format!("could not issue a challenge: {e}"),
        )
    }
    let builder = tenant
        .webauthn
        .new_challenge_register_builder(&user.handle, &user.upn, &user.display_name)
        .map_err(internal)?
        .attestation(AttestationConveyancePreference::Direct)
        .user_verification_policy(UserVerificationPolicy::Required)
        .credential_algorithms(vec![COSEAlgorithm::ES256, COSEAlgorithm::RS256])
        .require_resident_key(true)
        .authenticator_attachment(Some(AuthenticatorAttachment::CrossPlatform))
        .extensions(Some(extensions));
    let (ccr, state) = tenant
        .webauthn
        .generate_challenge_register(builder)
        .map_err(internal)?;
    drop(ccr);
    let challenge = crate::challenge::opaque();
    let state = crate::challenge::with_challenge(state, &challenge).map_err(internal)?;
    let expires = tenant.clock.now() + lifetime;

    let mut live = tenant.live();
    let exclude: Vec<Value> = live
        .passkeys
        .get(&user.id)
        .into_iter()
        .flatten()
        .map(|p| {
            let id = match version {
                ApiVersion::V1 => b64::encode(&p.credential_id),
                ApiVersion::Beta => b64::encode_padding_digit(&p.credential_id),
            };
            json!({"id": id, "type": "public-key", "transports": []})
        })
        .collect();
    live.challenges.insert(
        challenge.clone(),
        PendingChallenge {
            user: user.id,
            state,
            expires,
            used: false,
            version,
        },
    );
    drop(live);
    tracing::info!(user = %user.id, expires = %rfc3339_seconds(expires), "challenge issued");

    Ok(json!({
        "challengeTimeoutDateTime": rfc3339_seconds(expires),
        "publicKey": {
            "challenge": b64::encode(&challenge),
            "timeout": 0,
            "attestation": "direct",
            "rp": { "id": crate::tenant::RP_ID, "name": "Microsoft" },
            "user": {
                "id": b64::encode(&user.handle),
                "name": user.upn,
                "displayName": user.display_name,
            },
            "pubKeyCredParams": [
                { "type": "public-key", "alg": -7 },
                { "type": "public-key", "alg": -257 },
            ],
            "excludeCredentials": exclude,
            "authenticatorSelection": {
                "authenticatorAttachment": "cross-platform",
                "requireResidentKey": true,
                "userVerification": "required",
            },
            "extensions": {
                "hmacCreateSecret": true,
                "enforceCredentialProtectionPolicy": true,
                "credentialProtectionPolicy": "userVerificationOptional",
            }
        }
    }))
}
