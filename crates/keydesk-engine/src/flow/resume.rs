//! Crash-resume and lost answers: what to do with a job whose register POST may or may
//! not have reached Entra.
//!
//! Before the POST the journal records an [`Attempt`] (the user's passkeys just before,
//! the display name sent, the key's AAGUID, Graph's clock); the POST's passkey is
//! recognised by it ([`keydesk_graph::judge`]), never by assuming a method id spells the
//! credential id. Found → the job is done, its group move ([`crate::group_move`]) is made,
//! and its PIN comes back from escrow so the letter can still be printed. Surely absent →
//! the credential is recorded as an orphan and the job starts again with a fresh
//! challenge (an old challenge is never sent). Cannot tell (two candidates, or a listing
//! that still does not show it after the bounded wait) → `NeedsAttention`: the job is never
//! registered again on its own; an operator resolves it ([`resolve`]), and every later run
//! looks again first. Any other unfinished state starts again; a key that got its PIN
//! before the crash is recognised by serial and keeps its escrowed PIN.

use keydesk_core::b64;
use keydesk_core::job::{JobEvent, JobState};
use keydesk_core::DirectoryUser;
use keydesk_graph::{Attempt, Registration, Verdict};

use crate::after::{add_inventory, UsedKey};
use crate::directory::Method;
use crate::inventory::KeyStatus;
use crate::journal::JobRecord;
use crate::{group_move, Context, ProvisionError, Provisioned};

/// The outcome of looking at a journaled job before working it.
pub enum Resumed {
    /// Reconciliation found the registration: nothing more to do.
    Done(Box<Provisioned>),
    /// Work it (again), from pending; the record tells which key and PIN it had.
    Again(Box<JobRecord>),
}

/// Brings a journaled job to `Pending` (or finds it done).
pub async fn prepare(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    job: JobRecord,
) -> Result<Resumed, ProvisionError> {
    let event = match job.state {
        JobState::Registered => return Err(ProvisionError::AlreadyRegistered),
        JobState::Revoked => return Err(ProvisionError::Revoked),
        JobState::Pending => return Ok(Resumed::Again(Box::new(job))),
        JobState::Failed | JobState::Skipped => JobEvent::Retry,
        JobState::Posting | JobState::NeedsAttention => {
            return reconcile_posting(ctx, user, job).await
        }
        JobState::OptionsFetched | JobState::SettingPin | JobState::MakingCredential => {
            JobEvent::Reconciled(false)
        }
    };
    ctx.journal.advance(&user.id, &user.upn, event, None)?;
    Ok(Resumed::Again(Box::new(job)))
}

/// Sends the register POST; an answer that leaves the outcome unknown is settled against
/// `attempt` before anything is reported. Leaves the job `Registered`-ready (Ok),
/// `Pending` (surely not registered: the error is returned) or `NeedsAttention`.
pub(crate) async fn post(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    registration: &Registration,
    attempt: &Attempt,
) -> Result<Method, ProvisionError> {
    let error = match ctx
        .directory
        .register(&user.id, registration, attempt)
        .await
    {
        Ok(method) => return Ok(method),
        Err(error) => error,
    };
    let verdict = match &error {
        ProvisionError::Graph(keydesk_graph::GraphError::RegistrationUnsure {
            candidates, ..
        }) => Verdict::Unsure(candidates.clone()),
        ProvisionError::Graph(e) if !keydesk_graph::outcome_unknown(e) => Verdict::Absent,
        _ => match ctx.directory.find_registration(&user.id, attempt).await {
            Ok(verdict) => verdict,
            Err(list_error) => {
                tracing::warn!(%list_error, "could not read the user's passkeys back");
                Verdict::Unsure(Vec::new())
            }
        },
    };
    match verdict {
        Verdict::Registered(method) => Ok(method),
        Verdict::Absent => {
            ctx.journal
                .advance(&user.id, &user.upn, JobEvent::Reconciled(false), None)?;
            Err(error)
        }
        Verdict::Unsure(candidates) => Err(needs_attention(ctx, user, &candidates)?),
    }
}

async fn reconcile_posting(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    job: JobRecord,
) -> Result<Resumed, ProvisionError> {
    let verdict = match &job.attempt {
        Some(attempt) => ctx.directory.find_registration(&user.id, attempt).await?,
        None => legacy_verdict(ctx, user, &job).await?,
    };
    match verdict {
        Verdict::Registered(method) => found(ctx, user, job, method).await,
        Verdict::Absent => {
            start_again(ctx, user, &job)?;
            Ok(Resumed::Again(Box::new(job)))
        }
        Verdict::Unsure(candidates) => Err(needs_attention(ctx, user, &candidates)?),
    }
}

/// A journal written before attempts were recorded knows only the credential id: a
/// passkey whose id decodes to it is ours; any other passkey of the key's model leaves it
/// undecided; none at all means absent.
async fn legacy_verdict(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    job: &JobRecord,
) -> Result<Verdict, ProvisionError> {
    let credential = job
        .credential_id
        .as_deref()
        .and_then(|c| b64::decode_lenient(c).ok())
        .unwrap_or_default();
    let passkeys = ctx.directory.passkeys(&user.id).await?;
    if let Some(p) = passkeys
        .iter()
        .find(|p| !credential.is_empty() && b64::readings(&p.id).contains(&credential))
    {
        return Ok(Verdict::Registered(p.clone()));
    }
    let aaguid = job.key_aaguid.as_deref().unwrap_or_default();
    let same_model: Vec<Method> = passkeys
        .into_iter()
        .filter(|p| {
            p.aaguid
                .as_deref()
                .is_none_or(|a| a.eq_ignore_ascii_case(aaguid))
        })
        .collect();
    Ok(if same_model.is_empty() {
        Verdict::Absent
    } else {
        Verdict::Unsure(same_model)
    })
}

async fn found(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    job: JobRecord,
    method: Method,
) -> Result<Resumed, ProvisionError> {
    let name = mark_registered(ctx, user, &job, &method)?;
    ctx.audit("registered", &user.id, "found registered after a restart");
    // The group move comes after the registration is journaled: it never happened.
    let mut warnings = vec!["found registered after a restart".to_owned()];
    group_move::move_user(ctx, user, &mut warnings).await;
    let Some(sealed) = job.pin_sealed.as_deref() else {
        return Err(ProvisionError::AlreadyRegistered);
    };
    let pin = ctx.escrow.open(&user.id, sealed)?;
    Ok(Resumed::Done(Box::new(Provisioned {
        pin,
        method_id: method.id,
        method_name: name,
        key_model: job.key_model.clone().unwrap_or_default(),
        key_serial: job.key_serial.clone(),
        key_id: String::new(),
        warnings,
    })))
}

/// Journals the job registered as `method` and records its key as issued; returns the
/// method's display name.
fn mark_registered(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    job: &JobRecord,
    method: &Method,
) -> Result<String, ProvisionError> {
    let name = method.display_name.clone().unwrap_or_default();
    ctx.journal.record_registered(
        &user.id,
        &user.upn,
        JobEvent::Reconciled(true),
        &method.id,
        &name,
    )?;
    let credential = job.credential_id.clone().unwrap_or_default();
    let used = UsedKey::of_job(job);
    add_inventory(ctx, user, used, &method.id, &credential, KeyStatus::Issued)?;
    Ok(name)
}

/// The job's POST surely left no passkey: its credential (if it made one) is recorded as
/// an orphan and the job goes back to `Pending`.
fn start_again(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    job: &JobRecord,
) -> Result<(), ProvisionError> {
    if let Some(credential) = job.credential_id.as_deref().filter(|c| !c.is_empty()) {
        let used = UsedKey::of_job(job);
        add_inventory(ctx, user, used, "", credential, KeyStatus::Orphan)?;
    }
    ctx.journal
        .advance(&user.id, &user.upn, JobEvent::Reconciled(false), None)?;
    Ok(())
}

/// Journals `NeedsAttention` with the candidates and returns the error to report.
fn needs_attention(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    candidates: &[Method],
) -> Result<ProvisionError, ProvisionError> {
    let error = ProvisionError::NeedsAttention {
        candidates: candidates.iter().map(|m| m.id.clone()).collect(),
    };
    let why = error.to_string();
    ctx.journal.record_unsure(&user.id, &user.upn, &why)?;
    ctx.audit("needs attention", &user.id, &why);
    tracing::warn!(upn = %user.upn, "registration outcome unknown: needs attention");
    Ok(error)
}

/// The operator's decision on a job in `NeedsAttention`: `Some(method id)` is this job's
/// passkey (it must be listed for the user), `None` means no passkey is (the job starts
/// again on the next run). Returns the new state.
pub async fn resolve(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    method_id: Option<&str>,
) -> Result<JobState, ProvisionError> {
    let job = ctx
        .journal
        .job(&user.id)?
        .filter(|j| j.state == JobState::NeedsAttention)
        .ok_or(ProvisionError::NothingToResolve)?;
    let Some(method_id) = method_id else {
        start_again(ctx, user, &job)?;
        ctx.audit("resolved", &user.id, "operator: no passkey is this job's");
        return Ok(JobState::Pending);
    };
    let listed = ctx.directory.passkeys(&user.id).await?;
    let method = listed
        .into_iter()
        .find(|m| m.id == method_id)
        .ok_or_else(|| ProvisionError::UnknownMethod(method_id.to_owned()))?;
    mark_registered(ctx, user, &job, &method)?;
    ctx.audit(
        "resolved",
        &user.id,
        &format!("operator: {} is this job's passkey", method.id),
    );
    Ok(JobState::Registered)
}
