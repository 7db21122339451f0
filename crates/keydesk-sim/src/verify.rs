//! Judges a registration (`POST .../fido2Methods`) the way Entra does.
//!
//! Order of checks, each refusal a 400 with its own message: body shape; clientDataJSON
//! (JSON, type, challenge known, issued to this user, not expired on the simulated clock,
//! not used, origin, issued by the same API version unless v1.0 issued it); then
//! webauthn-rs-core's `register_credential` (rpIdHash, UP, UV, packed or none attestation
//! signature, algorithm); then the credential id in the body against authData's, and
//! against passkeys already registered. A challenge is spent only by a successful
//! registration.
//!
//! Then the FIDO2 policy: AAGUID allow/block list and attestation enforcement. Guests and
//! disabled users are refused before anything else. The stored passkey gets a method id
//! shaped by [`crate::MethodIds`] and, under a listing delay, a `visible_from` in the future.
//!
//! Known issues: attestation certificates are never chained to a root (no MDS): a packed
//! statement with a valid x5c counts as attested (`attestationLevel: attested`, its
//! certificates listed by SHA-1 thumbprint).

use serde_json::Value;
use webauthn_rs_core::error::WebauthnError;
use webauthn_rs_core::proto::{
    AuthenticatorAttestationResponseRaw, ParsedAttestationData, RegisterPublicKeyCredential,
    RegistrationExtensionsClientOutputs,
};

use crate::authdata::{aaguid, model, x5c_thumbprints};
use crate::b64;
use crate::clock::rfc3339_seconds;
use crate::directory::User;
use crate::error::GraphError;
use crate::tenant::{Passkey, Tenant, ORIGIN};
use crate::version::ApiVersion;

const MAX_DISPLAY_NAME: usize = 30;

struct Body {
    display_name: Option<String>,
    credential_id: Vec<u8>,
    client_data_json: Vec<u8>,
    attestation_object: Vec<u8>,
}

/// Verifies a registration body for `user` and stores the passkey.
/// `version` is the API version of the POST: a challenge issued by beta (the function form
/// with a custom timeout) is refused on v1.0 (the harder reading; Microsoft documents each
/// version's pair of calls, not a mix).
pub fn register(
    tenant: &Tenant,
    user: &User,
    body: &[u8],
    version: ApiVersion,
) -> Result<Passkey, GraphError> {
    crate::options::check_eligible(user)?;
    let body = parse_body(body)?;
    let challenge = check_client_data(tenant, user, &body.client_data_json)?;
    let (state, issued_by) = tenant
        .live()
        .challenges
        .get(&challenge)
        .map(|p| (p.state.clone(), p.version))
        .ok_or_else(|| GraphError::invalid_request("The challenge is no longer known."))?;
    if issued_by == ApiVersion::Beta && version == ApiVersion::V1 {
        return Err(GraphError::invalid_request(
            "The challenge was issued by the beta endpoint; register it through /beta as well.",
        ));
    }

    let credential = RegisterPublicKeyCredential {
        id: b64::encode(&body.credential_id),
        raw_id: body.credential_id.clone(),
        response: AuthenticatorAttestationResponseRaw {
            attestation_object: body.attestation_object.clone(),
            client_data_json: body.client_data_json.clone(),
            transports: None,
        },
        type_: "public-key".to_owned(),
        extensions: RegistrationExtensionsClientOutputs::default(),
    };
    let verified = tenant
        .webauthn
        .register_credential(&credential, &state, None)
        .map_err(|e| GraphError::invalid_request(describe(&e)))?;
    if verified.cred_id.as_slice() != body.credential_id.as_slice() {
        return Err(GraphError::invalid_request(
            "publicKeyCredential.id does not match the credential id in the attested credential data of authenticatorData.",
        ));
    }
    let aaguid = aaguid(&body.attestation_object).unwrap_or_default();
    let attested = matches!(
        verified.attestation.data,
        ParsedAttestationData::Basic(_) | ParsedAttestationData::AttCa(_)
    );
    let certificates = if attested {
        x5c_thumbprints(&body.attestation_object)
    } else {
        Vec::new()
    };

    let mut live = tenant.live();
    live.policy.check_key(aaguid, attested)?;
    for (owner, keys) in &live.passkeys {
        if keys.iter().any(|p| p.credential_id == body.credential_id) {
            return Err(GraphError::invalid_request(if *owner == user.id {
                "This credential is already registered for the user (it was listed in excludeCredentials)."
            } else {
                "This credential is already registered to another user."
            }));
        }
    }
    match live.challenges.get_mut(&challenge) {
        Some(pending) if !pending.used => pending.used = true,
        _ => return Err(GraphError::invalid_request(
            "The challenge has already been used for a registration; challenges are single use.",
        )),
    }
    let model = model(&aaguid);
    let display_name = body
        .display_name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| model.clone())
        .chars()
        .take(MAX_DISPLAY_NAME)
        .collect();
    // Microsoft documents no relation between method id and credential id: the id's shape
    // is a tenant setting (opaque by default).
    let id = tenant.method_ids.next(&body.credential_id, |id| {
        live.passkeys.values().flatten().any(|p| p.id == id)
    });
    let created = tenant.clock.now();
    let passkey = Passkey {
        id,
        display_name,
        created,
        visible_from: created + tenant.faults.listing_delay(),
        aaguid,
        model,
        credential_id: body.credential_id,
        attestation_certificates: certificates,
    };
    live.passkeys
        .entry(user.id)
        .or_default()
        .push(passkey.clone());
    Ok(passkey)
}

fn parse_body(body: &[u8]) -> Result<Body, GraphError> {
    let malformed = |what: &str| GraphError::bad_request(format!("Malformed request body: {what}"));
    let json: Value =
        serde_json::from_slice(body).map_err(|e| malformed(&format!("not valid JSON ({e}).")))?;
    let display_name = match json.get("displayName") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(malformed("displayName must be a string.")),
    };
    let credential = json
        .get("publicKeyCredential")
        .filter(|v| v.is_object())
        .ok_or_else(|| malformed("publicKeyCredential object is missing."))?;
    let field = |value: Option<&Value>, name: &str| -> Result<Vec<u8>, GraphError> {
        let text = value
            .and_then(Value::as_str)
            .ok_or_else(|| malformed(&format!("{name} is missing.")))?;
        b64::decode_lenient(text).ok_or_else(|| malformed(&format!("{name} is not base64url.")))
    };
    let response = credential.get("response");
    Ok(Body {
        display_name,
        credential_id: field(credential.get("id"), "publicKeyCredential.id")?,
        client_data_json: field(
            response.and_then(|r| r.get("clientDataJSON")),
            "publicKeyCredential.response.clientDataJSON",
        )?,
        attestation_object: field(
            response.and_then(|r| r.get("attestationObject")),
            "publicKeyCredential.response.attestationObject",
        )?,
    })
}

/// Checks clientDataJSON against the pending challenges; returns the raw challenge.
fn check_client_data(tenant: &Tenant, user: &User, bytes: &[u8]) -> Result<Vec<u8>, GraphError> {
    let data: Value = serde_json::from_slice(bytes)
        .map_err(|_| GraphError::invalid_request("clientDataJSON is not valid JSON."))?;
    let kind = data.get("type").and_then(Value::as_str).unwrap_or_default();
    if kind != "webauthn.create" {
        return Err(GraphError::invalid_request(format!(
            "clientDataJSON.type is '{kind}'; a registration needs 'webauthn.create'."
        )));
    }
    let challenge = data
        .get("challenge")
        .and_then(Value::as_str)
        .and_then(b64::decode_lenient)
        .ok_or_else(|| {
            GraphError::invalid_request("clientDataJSON.challenge is missing or not base64url.")
        })?;
    {
        let live = tenant.live();
        let pending = live.challenges.get(&challenge).ok_or_else(|| {
            GraphError::invalid_request(
                "The challenge in clientDataJSON is unknown: it was not issued by creationOptions.",
            )
        })?;
        if pending.user != user.id {
            return Err(GraphError::invalid_request(
                "The challenge was issued to a different user; request creationOptions for this user.",
            ));
        }
        if pending.expires <= tenant.clock.now() {
            return Err(GraphError::invalid_request(format!(
                "The challenge expired at {}; request new creationOptions.",
                rfc3339_seconds(pending.expires)
            )));
        }
        if pending.used {
            return Err(GraphError::invalid_request(
                "The challenge has already been used for a registration; challenges are single use.",
            ));
        }
    }
    let origin = data
        .get("origin")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if origin != ORIGIN {
        return Err(GraphError::invalid_request(format!(
            "clientDataJSON.origin is '{origin}'; Entra requires '{ORIGIN}'."
        )));
    }
    Ok(challenge)
}

/// Readable text for webauthn-rs-core's verdicts.
fn describe(error: &WebauthnError) -> String {
    use WebauthnError as E;
    match error {
        E::InvalidRPIDHash => "authenticatorData.rpIdHash is not SHA-256 of 'login.microsoft.com'.".to_owned(),
        E::UserNotPresent => "authenticatorData flags: user presence (UP) is not set.".to_owned(),
        E::UserNotVerified => {
            "authenticatorData flags: user verification (UV) is not set; Entra requires user verification (PIN).".to_owned()
        }
        E::AttestationStatementSigInvalid | E::SignatureInvalid => {
            "The attestation signature does not verify over authenticatorData and the clientDataJSON hash.".to_owned()
        }
        E::AttestationNotSupported => {
            "Unsupported attestation statement format; Entra accepts 'packed' and 'none'.".to_owned()
        }
        E::MissingAttestationCredentialData => {
            "authenticatorData carries no attested credential data (AT flag clear).".to_owned()
        }
        E::CredentialAlteredAlgFromRequest | E::AttestationStatementAlgMismatch => {
            "The credential's algorithm is not one of pubKeyCredParams (-7 ES256, -257 RS256).".to_owned()
        }
        E::CredentialCrossOrigin => "clientDataJSON.crossOrigin must be false.".to_owned(),
        E::ParseCBORFailure(_) | E::ParseNOMFailure | E::ParseInsufficientBytesAvailable => {
            "attestationObject is not valid CBOR or its authenticatorData is malformed.".to_owned()
        }
        E::COSEKeyInvalidCBORValue
        | E::COSEKeyInvalidType
        | E::COSEKeyECDSAXYInvalid
        | E::COSEKeyECDSAInvalidCurve
        | E::COSEKeyInvalidAlgorithm
        | E::COSEKeyRSANEInvalid => format!("The credential public key is invalid: {error}."),
        other => format!("Attestation verification failed: {other}."),
    }
}
