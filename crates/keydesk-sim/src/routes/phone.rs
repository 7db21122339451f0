//! `POST /_sim/phone`: plays the phone that a technician hands out with a passkey in
//! Microsoft Authenticator.
//!
//! Body `{"user": "<id or UPN>", "pass": "<the Temporary Access Pass>", "platform": "ios" |
//! "android"}`. Like Authenticator, it signs in with the UPN and the pass and then creates
//! a passkey: the user must hold that pass and it must be usable on the simulated clock
//! (started, not expired, not already used once); a one-time pass is consumed. The new
//! passkey carries Microsoft Authenticator's AAGUID for the platform and appears in the
//! user's fido2Methods (after the listing delay in force, as any new passkey), when the
//! FIDO2 policy allows Authenticator's AAGUID. Refusals are 403 with a sentence; an unknown
//! user is 404.
//!
//! A test control like the rest of `/_sim`: no token is needed.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use rand::Rng;
use serde_json::Value;
use uuid::{uuid, Uuid};

use crate::tenant::{Passkey, Tenant};

/// Microsoft Authenticator on iOS.
const AUTHENTICATOR_IOS: Uuid = uuid!("90a3ccdf-635c-4729-a248-9b709135078f");
/// Microsoft Authenticator on Android.
const AUTHENTICATOR_ANDROID: Uuid = uuid!("de1e552d-db1d-4423-a619-566b625cdc84");

/// The handler.
pub async fn play(
    State(tenant): State<Arc<Tenant>>,
    body: Bytes,
) -> Result<Json<Value>, (StatusCode, String)> {
    let bad = |what: String| (StatusCode::BAD_REQUEST, what);
    let json: Value = serde_json::from_slice(&body).map_err(|e| bad(e.to_string()))?;
    let field = |name: &str| {
        json[name]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| bad(format!("{name} is missing")))
    };
    let (user, pass) = (field("user")?, field("pass")?);
    let (aaguid, model, device) = match json["platform"].as_str().unwrap_or("ios") {
        "ios" => (AUTHENTICATOR_IOS, "Microsoft Authenticator - iOS", "iPhone"),
        "android" => (
            AUTHENTICATOR_ANDROID,
            "Microsoft Authenticator - Android",
            "Android phone",
        ),
        other => return Err(bad(format!("platform {other} is neither ios nor android"))),
    };
    let user = tenant
        .directory
        .user(&user)
        .ok_or_else(|| (StatusCode::NOT_FOUND, format!("no user {user}")))?;
    let refuse = |why: &str| (StatusCode::FORBIDDEN, why.to_owned());
    let now = tenant.clock.now();
    let mut live = tenant.live();
    let tap = live
        .taps
        .get_mut(&user.id)
        .ok_or_else(|| refuse("the user holds no Temporary Access Pass"))?;
    if tap.pass != pass {
        return Err(refuse("that is not the user's Temporary Access Pass"));
    }
    if !tap.usable_at(now) {
        return Err(refuse(&format!(
            "the Temporary Access Pass is not usable ({})",
            tap.usability(now)
        )));
    }
    if live.policy.check_key(aaguid, true).is_err() {
        return Err(refuse(
            "the FIDO2 policy does not allow Microsoft Authenticator passkeys for this user",
        ));
    }
    let tap = live.taps.get_mut(&user.id).expect("checked above");
    if tap.usable_once {
        tap.consumed = true;
    }
    let credential_id: [u8; 32] = rand::rng().random();
    let id = tenant.method_ids.next(&credential_id, |id| {
        live.passkeys.values().flatten().any(|p| p.id == id)
    });
    let passkey = Passkey {
        id,
        display_name: device.to_owned(),
        created: now,
        visible_from: now + tenant.faults.listing_delay(),
        aaguid,
        model: model.to_owned(),
        credential_id: credential_id.to_vec(),
        attestation_certificates: Vec::new(),
    };
    live.passkeys
        .entry(user.id)
        .or_default()
        .push(passkey.clone());
    tracing::info!(user = %user.id, %aaguid, "the phone registered a passkey in Authenticator");
    Ok(Json(super::fido2::method_json(&passkey)))
}
