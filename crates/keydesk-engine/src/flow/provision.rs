//! One user, from pre-flight to a registered passkey.
//!
//! The order: pre-flight → creation options → key checks → PIN (new, changed, or reset
//! first) → CTAP 2.1 minimum length → makeCredential over SHA-256 of the exact
//! clientDataJSON → attestationObject → POST → read back, self-test, force-change last
//! ([`crate::after`]). The key is released once Graph answered 201 and the key-side
//! after-work is done; read-back and group move follow off the key ([`Released`]). Only the
//! POST waits for Graph once the key has signed: the policy is the run's cached read, the
//! creation options and the passkey listing the attempt is taken from are prefetched or
//! read while the key works. The tenant refuses before the key is touched, the PIN exists before
//! makeCredential needs it, and a forced PIN change follows everything that uses the PIN.
//! Each state is journaled before the side effect it announces; an unfinished job is
//! reconciled first ([`crate::resume`]).

use keydesk_core::job::{JobEvent, JobState};
use keydesk_core::{client_data, CreationOptions, DirectoryUser, Pin};
use keydesk_fido::{CtapStatus, KeyError, KeyInfo, MakeCredential, SecurityKey};
use keydesk_graph::Registration;

use crate::after::UsedKey;
use crate::keys::{ClaimedKey, KeySource};
use crate::pin_resume::escrowed_for_key;
use crate::prefetch::{Snapshot, FRESHNESS_MARGIN_SECS};
use crate::preflight;
use crate::settings::ExistingPin;
use crate::{after, metadata, resume, Context, ProvisionError, Provisioned, Step};

/// makeCredential attempts when a challenge expires while the key waits for a touch.
const ATTEMPTS: usize = 2;

/// Provisions `user` on a key from `keys`, reporting each step to `progress`: the work
/// on the key ([`provision_on_key`]), then what is left once it is released
/// ([`Released::finish`]).
pub async fn provision_user(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    keys: &dyn KeySource,
    progress: &(dyn Fn(Step) + Send + Sync),
) -> Result<Provisioned, ProvisionError> {
    Ok(provision_on_key(ctx, user, keys, progress)
        .await?
        .finish(ctx, user)
        .await)
}

/// Provisions `user` up to the moment its key is released: Graph answered 201, the
/// registration, the inventory entry and the audit line are written, and the key-side
/// after-work (self-test, forced PIN change) is done. A batch worker takes the next user
/// while the rest ([`Released::finish`]: read-back, group move) runs alongside.
pub async fn provision_on_key(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    keys: &dyn KeySource,
    progress: &(dyn Fn(Step) + Send + Sync),
) -> Result<Released, ProvisionError> {
    let result = run(ctx, user, keys, progress).await;
    if let Err(e) = &result {
        record_failure(ctx, user, e)?;
    }
    result
}

/// A registered user whose key is free again; [`Released::finish`] does the Graph-only
/// rest.
#[derive(Debug)]
pub struct Released {
    done: Provisioned,
    /// Read-back and group move still to do (not for a job found done by reconciliation,
    /// whose group move `resume` made).
    tail: bool,
    /// The user's passkeys from before this one, to delete once it is registered (when
    /// the operator chose to replace them).
    replaced: Vec<String>,
}

impl Released {
    /// Reads the passkey back and moves the user between groups (failures are warnings);
    /// returns the registered user.
    pub async fn finish(self, ctx: &Context<'_>, user: &DirectoryUser) -> Provisioned {
        let mut done = self.done;
        if self.tail {
            after::off_key(ctx, user, &mut done, &self.replaced).await;
        }
        done
    }
}

/// A failed job is journaled failed (or skipped); a job in `Posting` stays there, since
/// the POST may have reached Graph: the next run reconciles it. A job that needs
/// attention keeps waiting for the operator.
fn record_failure(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    e: &ProvisionError,
) -> Result<(), ProvisionError> {
    if matches!(
        e,
        ProvisionError::Journal(_) | ProvisionError::AlreadyRegistered
    ) {
        return Ok(());
    }
    let state = ctx.journal.job(&user.id)?.map(|j| j.state);
    let event = match (state, e) {
        (Some(JobState::Posting), _) => return Ok(()),
        (_, ProvisionError::NotEligible(_) | ProvisionError::SkippedByOperator) => {
            JobEvent::Skipped
        }
        _ => JobEvent::Failed,
    };
    if state.is_some_and(|s| s.on(event).is_err()) {
        return Ok(());
    }
    ctx.journal
        .advance(&user.id, &user.upn, event, Some(&e.to_string()))?;
    ctx.audit(
        if event == JobEvent::Skipped {
            "skipped"
        } else {
            "failed"
        },
        &user.id,
        &e.to_string(),
    );
    Ok(())
}

async fn run(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    keys: &dyn KeySource,
    progress: &(dyn Fn(Step) + Send + Sync),
) -> Result<Released, ProvisionError> {
    ctx.audit_ok()?;
    preflight::check_user(user).map_err(|r| match r {
        preflight::Refusal::User(why) => ProvisionError::NotEligible(why),
        other => ProvisionError::Policy(other),
    })?;
    let job = match ctx.journal.job(&user.id)? {
        Some(job) => match resume::prepare(ctx, user, job).await? {
            resume::Resumed::Done(done) => {
                return Ok(Released {
                    done: *done,
                    tail: false,
                    replaced: Vec::new(),
                })
            }
            resume::Resumed::Again(job) => Some(*job),
        },
        None => None,
    };
    ctx.journal.enqueue(&user.id, &user.upn)?;
    let mut warnings = Vec::new();
    let policy = after::tenant_preflight(ctx, &mut warnings).await?;
    progress(Step::FetchingOptions);
    // Two reads, side by side: the user's roles and the creation options (usually
    // prefetched); nothing is written before both answered.
    let ((), options) = futures::try_join!(after::check_roles(ctx, user), options_for(ctx, user))?;
    // The listing the attempt is taken from: prefetched, or read while the key works, so
    // that only the POST waits for Graph once the key has signed.
    let prefetched = ctx.prefetch.and_then(|p| p.take_listing(&user.id));

    let claimed = claim_key(keys, progress).await?;
    let key = claimed.key();
    if let Some(taken) = ctx.on_key {
        taken(user, key.id());
    }
    let listing = async {
        match prefetched {
            Some(snapshot) => Ok(snapshot),
            None => Snapshot::take(ctx.directory, &user.id).await,
        }
    };
    let mds = ctx.metadata.as_deref();
    let work = async {
        let mut options = options;
        progress(Step::CheckingKey);
        let mut info = key.info().await?;
        // The metadata BLOB names the model where it lists it (letters, inventory, report).
        if let Some(facts) = mds.and_then(|m| m.facts(&info.aaguid)) {
            info.model = facts.name;
        }
        let wants_min = ctx.settings.ctap21.is_some();
        preflight::check_key(&info, wants_min).map_err(|r| match r {
            preflight::Refusal::Key(why) => ProvisionError::KeyUnsuitable(why),
            other => ProvisionError::Policy(other),
        })?;
        metadata::check_status(mds, &info.aaguid).map_err(ProvisionError::Policy)?;
        if let Some(policy) = &policy {
            // Under enforced attestation only a known model is expected to pass Entra's
            // metadata check, unless the operator accepts the risk.
            let attests = preflight::known_model(&info.aaguid)
                || metadata::listed(mds, &info.aaguid)
                || ctx.settings.allow_unverified_attestation;
            after::check_key_model(ctx, policy, &info.aaguid, attests, user).await?;
        }
        let used = UsedKey::in_hand(&info);
        let reset = matches!(ctx.settings.existing_pin, ExistingPin::Reset);
        // Before the key is recorded: the journal's serial is the job's claim on its key.
        let own_pin = match escrowed_for_key(ctx, user, key, &info, job.as_ref()).await {
            // The operator chose to reset keys that have a PIN: an unknown one too.
            Err(ProvisionError::PinUnknown) if reset => None,
            other => other?,
        };
        ctx.journal
            .record_key(&user.id, &used.serial, &used.model, &used.aaguid)?;
        ctx.journal
            .record_letter_facts(&user.id, &user.display_name, info.biometric)?;
        ctx.journal
            .record_address(&user.id, user.department.as_deref(), user.office.as_deref())?;
        if own_pin.is_none() && info.client_pin == Some(true) && reset {
            ctx.audit_ok()?;
            reset_key(ctx, keys, key, &used.serial, progress).await?;
            info = key.info().await?;
        }
        let pin = match own_pin {
            Some(pin) => pin.into_pin(),
            None => prepare_pin(ctx, user, key, &info, progress, &mut warnings).await?,
        };
        if let Some(c21) = ctx
            .settings
            .ctap21
            .as_ref()
            .filter(|_| info.supports_min_pin_length)
        {
            if pin.len() < usize::from(c21.min_pin_length) {
                return Err(ProvisionError::PinPolicy);
            }
            key.set_min_pin_length(&pin, c21.min_pin_length, &c21.rp_ids)
                .await?;
        }

        let mut attempt = 0;
        let (attestation, client_data_json) = loop {
            attempt += 1;
            if !options.is_fresh((ctx.now)(), FRESHNESS_MARGIN_SECS) {
                options = fetch_options(ctx, user).await?;
            }
            let client_data_json =
                client_data::for_registration(&options.challenge, &options.rp_id);
            let request = MakeCredential::for_options(&options, client_data_json.clone());
            ctx.audit_ok()?;
            ctx.journal
                .advance(&user.id, &user.upn, JobEvent::CredentialStarted, None)?;
            progress(Step::TouchKey);
            let attestation = key.make_credential(&request, &pin).await?;
            // The key took the PIN: whatever a crash left unconfirmed is settled.
            ctx.journal.confirm_pin(&user.id)?;
            if options.is_fresh((ctx.now)(), 0) {
                break (attestation, client_data_json);
            }
            // Never send an expired challenge: clean the key up and try with a fresh one.
            after::discard_credential(ctx, user, key, &info, &pin, &attestation.credential_id)
                .await?;
            if attempt >= ATTEMPTS {
                return Err(ProvisionError::ChallengeExpired);
            }
        };
        Ok::<_, ProvisionError>((info, used, pin, attestation, client_data_json, options))
    };
    let (listing, work) = tokio::join!(listing, work);
    let (info, used, pin, attestation, client_data_json, options) = match work {
        Ok(work) => work,
        Err(e) => {
            if e.refuses_key() {
                keys.refused(key.id());
            }
            return Err(e);
        }
    };

    // A key Entra's attestation enforcement would refuse is caught here, before the POST.
    let enforced = policy.as_ref().is_some_and(|p| {
        keydesk_graph::attestation_required(p, uuid::Uuid::from_bytes(info.aaguid))
    });
    let allow_unlisted = ctx.settings.allow_unverified_attestation;
    match metadata::check_attestation(mds, &info.aaguid, &attestation, enforced, allow_unlisted) {
        Ok(warning) => warnings.extend(warning),
        Err(refusal) => {
            after::discard_credential(ctx, user, key, &info, &pin, &attestation.credential_id)
                .await?;
            return Err(ProvisionError::Policy(refusal));
        }
    }
    let today = time::OffsetDateTime::from_unix_timestamp((ctx.now)()).map(|t| t.date());
    warnings.extend(mds.zip(today.ok()).and_then(|(m, day)| m.warning(day)));
    let listing = match listing {
        Ok(snapshot) if snapshot.is_fresh() => snapshot,
        // Failed, or the key took long: read again, just before the POST.
        _ => Snapshot::take(ctx.directory, &user.id).await?,
    };

    let date = time::OffsetDateTime::from_unix_timestamp((ctx.now)())
        .map(|t| t.date().to_string())
        .unwrap_or_default();
    let method_name =
        crate::settings::display_name(&ctx.settings.display_name, &info, &user.upn, &date);
    progress(Step::Registering);
    let registration = Registration {
        display_name: method_name.clone(),
        credential_id: attestation.credential_id.clone(),
        client_data_json,
        attestation_object: attestation.to_cbor(),
        beta: options.beta,
    };
    // What the user has now, journaled before the POST: how its passkey is recognised if
    // the answer is lost or the process dies (see `resume`).
    let attempt = listing.attempt(&registration, Some(&used.aaguid));
    ctx.audit_ok()?;
    ctx.journal.record_posting(&user.id, &user.upn, &attempt)?;
    let method = match resume::post(ctx, user, &registration, &attempt).await {
        Ok(method) => method,
        Err(e) => {
            // Entra may have refused for a policy reason: the next user reads it again.
            ctx.policy.forget().await;
            return Err(e);
        }
    };
    ctx.journal.record_registered(
        &user.id,
        &user.upn,
        JobEvent::Registered,
        &method.id,
        &method_name,
    )?;
    let mut done = Provisioned {
        pin,
        method_id: method.id,
        method_name,
        key_model: info.model.clone(),
        key_serial: info.serial.clone(),
        key_id: key.id().to_owned(),
        warnings,
    };
    after::on_key(
        ctx,
        user,
        key,
        &info,
        &attestation.credential_id,
        &options,
        &mut done,
    )
    .await?;
    // The key is done: free for the next user while read-back and group move go on.
    keys.handed_out(key.id());
    drop(claimed);
    tracing::info!(upn = %user.upn, key = %done.key_id, "passkey registered");
    // Only now, with the new passkey registered, may the old ones go.
    let replaced = if ctx.settings.delete_existing_passkeys {
        attempt.before
    } else {
        Vec::new()
    };
    Ok(Released {
        done,
        tail: true,
        replaced,
    })
}

/// authenticatorReset, confirmed by the operator. A key plugged in too long ago refuses
/// (0x30): the operator is asked to re-plug it, and the reset is sent the moment it is back.
async fn reset_key(
    ctx: &Context<'_>,
    keys: &dyn KeySource,
    key: &dyn SecurityKey,
    serial: &str,
    progress: &(dyn Fn(Step) + Send + Sync),
) -> Result<(), ProvisionError> {
    ctx.audit("key reset", serial, "reset at the operator's request");
    progress(Step::ResetKey);
    match key.reset().await {
        Err(KeyError::Ctap {
            status: CtapStatus::NotAllowed,
        }) => {
            keys.replugged(key.id(), &|| progress(Step::ReplugKey))
                .await?;
            progress(Step::ResetKey);
            Ok(key.reset().await?)
        }
        other => Ok(other?),
    }
}

/// A new PIN for the key (journaled and escrowed first), set, or changed from the
/// operator's current PIN.
async fn prepare_pin(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    key: &dyn SecurityKey,
    info: &KeyInfo,
    progress: &(dyn Fn(Step) + Send + Sync),
    warnings: &mut Vec<String>,
) -> Result<Pin, ProvisionError> {
    let current = match (info.client_pin, &ctx.settings.existing_pin) {
        (Some(true), ExistingPin::Refuse | ExistingPin::Reset) => {
            let retries = key.pin_retries().await.ok();
            return Err(ProvisionError::KeyHasPin { retries });
        }
        (Some(true), ExistingPin::Skip) => return Err(ProvisionError::SkippedByOperator),
        (Some(true), ExistingPin::Change(current)) => Some(current),
        _ => None,
    };
    check_min_length(ctx, info)?;
    ctx.audit_ok()?;
    if let Some(current) = current {
        if key.pin_retries().await? <= 2 {
            // Never burn the last tries on a PIN the operator may have mistyped.
            return Err(ProvisionError::PinRetriesLow);
        }
        after::microsoft_credentials(ctx, key, info, current, warnings).await?;
    }
    let pin = ctx
        .pin_policy
        .generate(&mut rand::rng())
        .map_err(|_| ProvisionError::PinPolicy)?;
    let sealed = ctx.escrow.seal(&user.id, &pin)?;
    progress(Step::SettingPin);
    ctx.journal.record_setting_pin_on(
        &user.id,
        &user.upn,
        &sealed,
        info.client_pin == Some(true),
    )?;
    let written = match current {
        Some(current) => key.change_pin(current, &pin).await,
        None => key.set_pin(&pin).await,
    };
    match written {
        Ok(()) => ctx.journal.confirm_pin(&user.id)?,
        Err(e @ KeyError::Ctap { .. }) => {
            // The key answered no: it never got this PIN, so no later run may send it.
            ctx.journal.wipe_pin(&user.id)?;
            return Err(e.into());
        }
        // No answer (pulled, timed out): the PIN stays unconfirmed for `pin_resume`.
        Err(e) => return Err(e.into()),
    }
    Ok(pin)
}

/// Refuses, before anything is written to the key, a key whose minimum PIN length
/// (getInfo `minPINLength`, or the CTAP 2.1 minimum the settings will set) is longer than
/// the PINs the policy makes.
fn check_min_length(ctx: &Context<'_>, info: &KeyInfo) -> Result<(), ProvisionError> {
    let wanted = ctx
        .settings
        .ctap21
        .as_ref()
        .filter(|_| info.supports_min_pin_length)
        .map_or(0, |c21| c21.min_pin_length);
    if ctx.pin_policy.length < info.min_pin_length.max(wanted) {
        return Err(ProvisionError::PinPolicy);
    }
    Ok(())
}

/// Options from the prefetch cache when still fresh, else from Graph.
async fn options_for(
    ctx: &Context<'_>,
    user: &DirectoryUser,
) -> Result<CreationOptions, ProvisionError> {
    if let Some(options) = ctx.prefetch.and_then(|p| p.take(&user.id, (ctx.now)())) {
        ctx.journal
            .advance(&user.id, &user.upn, JobEvent::OptionsFetched, None)?;
        return Ok(options);
    }
    let options = fetch_options(ctx, user).await?;
    let state = ctx.journal.job(&user.id)?.map(|j| j.state);
    if state.is_none_or(|s| s.on(JobEvent::OptionsFetched).is_ok()) {
        ctx.journal
            .advance(&user.id, &user.upn, JobEvent::OptionsFetched, None)?;
    }
    Ok(options)
}

async fn fetch_options(
    ctx: &Context<'_>,
    user: &DirectoryUser,
) -> Result<CreationOptions, ProvisionError> {
    ctx.directory
        .creation_options(&user.id, ctx.challenge_timeout_minutes)
        .await
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
