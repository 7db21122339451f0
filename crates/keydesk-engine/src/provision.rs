//! One user, from creation options to a registered passkey.
//!
//! The order is GRAPH.md's and CTAP.md's: creation options → key checks → random PIN →
//! set PIN → makeCredential over SHA-256 of the exact clientDataJSON → attestationObject →
//! POST. Each state is journaled before the side effect it announces.

use keydesk_core::job::JobState;
use keydesk_core::{b64, client_data, CreationOptions, DirectoryUser, Pin, PinPolicy};
use keydesk_fido::{KeyInfo, MakeCredential};
use keydesk_graph::{GraphClient, Registration};

use crate::keys::{ClaimedKey, KeySource};
use crate::{Journal, ProvisionError, Step};

/// Seconds of validity a challenge must still have before the key is asked to sign it.
const FRESHNESS_MARGIN_SECS: i64 = 30;

/// What a provisioning run needs.
pub struct Context<'a> {
    /// Graph, signed in.
    pub graph: &'a GraphClient,
    /// The journal.
    pub journal: &'a Journal,
    /// How PINs are made.
    pub pin_policy: PinPolicy,
    /// Beta challenge timeout in minutes, or None for v1.0's fixed 5 minutes.
    pub challenge_timeout_minutes: Option<u32>,
    /// Current time, seconds since the Unix epoch (injectable for tests).
    pub now: fn() -> i64,
}

/// A registered user. Holds the PIN: show it once, print it, drop it.
#[derive(Debug)]
pub struct Provisioned {
    /// The new PIN.
    pub pin: Pin,
    /// Entra's id for the new passkey.
    pub method_id: String,
    /// The passkey's display name in Entra.
    pub method_name: String,
    /// Key model.
    pub key_model: String,
    /// Key serial, when known.
    pub key_serial: Option<String>,
    /// Which key (its id in the key source).
    pub key_id: String,
}

/// The current time from the system clock.
pub fn system_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Provisions `user` on a key from `keys`, reporting each step to `progress`.
pub async fn provision_user(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    keys: &dyn KeySource,
    progress: &(dyn Fn(Step) + Send + Sync),
) -> Result<Provisioned, ProvisionError> {
    let result = run(ctx, user, keys, progress).await;
    if let Err(e) = &result {
        if !matches!(
            e,
            ProvisionError::Journal(_) | ProvisionError::AlreadyRegistered
        ) {
            let state = if matches!(e, ProvisionError::NotEligible(_)) {
                JobState::Skipped
            } else {
                JobState::Failed
            };
            ctx.journal
                .record(&user.id, &user.upn, state, Some(&e.to_string()))?;
        }
    }
    result
}

async fn run(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    keys: &dyn KeySource,
    progress: &(dyn Fn(Step) + Send + Sync),
) -> Result<Provisioned, ProvisionError> {
    if let Some(reason) = user.ineligibility() {
        return Err(ProvisionError::NotEligible(reason));
    }
    if let Some(job) = ctx.journal.job(&user.id)? {
        match job.state {
            JobState::Registered => return Err(ProvisionError::AlreadyRegistered),
            JobState::Posting => reconcile_posting(ctx, user, job.credential_id.as_deref()).await?,
            _ => {}
        }
    }
    ctx.journal
        .record(&user.id, &user.upn, JobState::Pending, None)?;

    progress(Step::FetchingOptions);
    let mut options = fetch_options(ctx, user).await?;

    let claimed = claim_key(keys, progress).await?;
    let key = claimed.key();
    progress(Step::CheckingKey);
    let info = key.info().await?;
    check_key(&info)?;

    let pin = ctx
        .pin_policy
        .generate(&mut rand::rng())
        .map_err(|_| ProvisionError::KeyUnsuitable("the PIN policy is invalid"))?;
    progress(Step::SettingPin);
    ctx.journal
        .record(&user.id, &user.upn, JobState::SettingPin, None)?;
    key.set_pin(&pin).await?;

    if !options.is_fresh((ctx.now)(), FRESHNESS_MARGIN_SECS) {
        options = fetch_options(ctx, user).await?;
    }
    let client_data_json = client_data::for_registration(&options.challenge, &options.rp_id);
    let request = make_credential_request(&options, client_data_json.clone());
    ctx.journal
        .record(&user.id, &user.upn, JobState::MakingCredential, None)?;
    progress(Step::TouchKey);
    let attestation = key.make_credential(&request, &pin).await?;

    if !options.is_fresh((ctx.now)(), 0) {
        return Err(ProvisionError::ChallengeExpired);
    }
    let method_name = method_name(&info);
    progress(Step::Registering);
    ctx.journal
        .record_posting(&user.id, &b64::encode(&attestation.credential_id))?;
    let registration = Registration {
        display_name: method_name.clone(),
        credential_id: attestation.credential_id.clone(),
        client_data_json,
        attestation_object: attestation.to_cbor(),
    };
    let method = ctx.graph.register_passkey(&user.id, &registration).await?;
    ctx.journal
        .record_registered(&user.id, &method.id, &method_name)?;
    keys.handed_out(key.id());
    tracing::info!(upn = %user.upn, key = claimed.key().id(), "passkey registered");
    Ok(Provisioned {
        pin,
        method_id: method.id,
        method_name,
        key_model: info.model,
        key_serial: info.serial,
        key_id: key.id().to_owned(),
    })
}

async fn fetch_options(
    ctx: &Context<'_>,
    user: &DirectoryUser,
) -> Result<CreationOptions, ProvisionError> {
    let options = ctx
        .graph
        .creation_options(&user.id, ctx.challenge_timeout_minutes)
        .await?;
    ctx.journal
        .record(&user.id, &user.upn, JobState::OptionsFetched, None)?;
    Ok(options)
}

/// Claims a key now if one is free, otherwise tells the operator to insert one and waits.
async fn claim_key(
    keys: &dyn KeySource,
    progress: &(dyn Fn(Step) + Send + Sync),
) -> Result<ClaimedKey, ProvisionError> {
    if let Some(key) = keys.try_claim() {
        return Ok(key);
    }
    progress(Step::InsertKey);
    keys.claim().await
}

/// A POST was sent before a crash or a lost response: if Graph has the method, the job is
/// done; otherwise it starts again with a fresh challenge.
async fn reconcile_posting(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    credential_id: Option<&str>,
) -> Result<(), ProvisionError> {
    let Some(credential) = credential_id.and_then(|c| b64::decode_lenient(c).ok()) else {
        return Ok(());
    };
    let passkeys = ctx.graph.passkeys(&user.id).await?;
    let found = passkeys
        .iter()
        .find(|p| b64::decode_lenient(&p.id).ok().as_deref() == Some(credential.as_slice()));
    if let Some(method) = found {
        let name = method.display_name.clone().unwrap_or_default();
        ctx.journal.record_registered(&user.id, &method.id, &name)?;
        return Err(ProvisionError::AlreadyRegistered);
    }
    Ok(())
}

fn check_key(info: &KeyInfo) -> Result<(), ProvisionError> {
    if !info.versions.iter().any(|v| v.starts_with("FIDO_2")) {
        return Err(ProvisionError::KeyUnsuitable("it does not speak FIDO2"));
    }
    if !info.resident_keys {
        return Err(ProvisionError::KeyUnsuitable(
            "it cannot store discoverable credentials",
        ));
    }
    if info.remaining_discoverable_credentials == Some(0) {
        return Err(ProvisionError::KeyUnsuitable("its passkey storage is full"));
    }
    match info.client_pin {
        None => Err(ProvisionError::KeyUnsuitable("it does not support a PIN")),
        Some(true) => Err(ProvisionError::KeyHasPin),
        Some(false) => Ok(()),
    }
}

fn make_credential_request(options: &CreationOptions, client_data_json: Vec<u8>) -> MakeCredential {
    MakeCredential {
        client_data_json,
        rp_id: options.rp_id.clone(),
        rp_name: options.rp_name.clone(),
        user_handle: options.user_handle.clone(),
        user_name: options.user_name.clone(),
        user_display_name: options.user_display_name.clone(),
        exclude_list: options.exclude_credentials.clone(),
        resident_key: options.resident_key,
        cred_protect: options.cred_protect.map(|c| c as u8),
        hmac_secret: options.hmac_secret,
    }
}

/// `{model} {serial}`, at most 30 characters (Entra's limit).
fn method_name(info: &KeyInfo) -> String {
    let name = match &info.serial {
        Some(serial) => format!("{} {}", info.model, serial),
        None => info.model.clone(),
    };
    name.chars().take(30).collect()
}
