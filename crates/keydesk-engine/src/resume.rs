//! Crash-resume: what to do with a job the journal shows unfinished.
//!
//! A job in `Posting` may have been registered with its answer lost: the user's passkeys
//! are read and matched on the credential id (method ids are the credential id in
//! base64url, sometimes with Graph's padding digit, decoded leniently). Found → the job is
//! done, its group move ([`crate::group_move`]) is made, and its PIN comes back from escrow
//! so the letter can still be printed. Not found →
//! the credential is recorded as an orphan and the job starts again with a fresh challenge
//! (an old challenge is never sent). Any other unfinished state starts again too; a key
//! that got its PIN before the crash is recognised by serial and keeps its escrowed PIN.

use keydesk_core::b64;
use keydesk_core::job::{JobEvent, JobState};
use keydesk_core::DirectoryUser;

use crate::directory::Method;
use crate::inventory::{InventoryEntry, KeyStatus};
use crate::journal::JobRecord;
use crate::{Context, ProvisionError, Provisioned};

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
        JobState::Posting => return reconcile_posting(ctx, user, job).await,
        JobState::OptionsFetched | JobState::SettingPin | JobState::MakingCredential => {
            JobEvent::Reconciled(false)
        }
    };
    ctx.journal.advance(&user.id, &user.upn, event, None)?;
    Ok(Resumed::Again(Box::new(job)))
}

async fn reconcile_posting(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    job: JobRecord,
) -> Result<Resumed, ProvisionError> {
    let credential = job.credential_id.clone().unwrap_or_default();
    if let Some(method) = find_method(ctx, &user.id, &credential).await? {
        let name = method.display_name.clone().unwrap_or_default();
        ctx.journal.record_registered(
            &user.id,
            &user.upn,
            JobEvent::Reconciled(true),
            &method.id,
            &name,
        )?;
        crate::after::record_issued(ctx, user, &job, &method.id, &credential)?;
        ctx.audit("registered", &user.id, "found registered after a restart");
        // The group move comes after the registration is journaled: it never happened.
        let mut warnings = vec!["found registered after a restart".to_owned()];
        crate::group_move::move_user(ctx, user, &mut warnings).await;
        let Some(sealed) = job.pin_sealed.as_deref() else {
            return Err(ProvisionError::AlreadyRegistered);
        };
        let pin = ctx.escrow.open(&user.id, sealed)?;
        return Ok(Resumed::Done(Box::new(Provisioned {
            pin,
            method_id: method.id,
            method_name: name,
            key_model: job.key_model.clone().unwrap_or_default(),
            key_serial: job.key_serial.clone(),
            key_id: String::new(),
            warnings,
        })));
    }
    if !credential.is_empty() {
        ctx.journal.add_inventory(&InventoryEntry {
            id: 0,
            key_serial: job.key_serial.clone().unwrap_or_default(),
            key_aaguid: job.key_aaguid.clone().unwrap_or_default(),
            key_model: job.key_model.clone().unwrap_or_default(),
            user_id: user.id.clone(),
            upn: user.upn.clone(),
            method_id: String::new(),
            credential_id: credential,
            operator: ctx.operator.clone(),
            at: (ctx.now)(),
            status: KeyStatus::Orphan,
        })?;
    }
    ctx.journal
        .advance(&user.id, &user.upn, JobEvent::Reconciled(false), None)?;
    Ok(Resumed::Again(Box::new(job)))
}

/// The user's passkey whose method id decodes to the credential id `credential_b64`.
pub async fn find_method(
    ctx: &Context<'_>,
    user_id: &str,
    credential_b64: &str,
) -> Result<Option<Method>, ProvisionError> {
    let Ok(credential) = b64::decode_lenient(credential_b64) else {
        return Ok(None);
    };
    if credential.is_empty() {
        return Ok(None);
    }
    let passkeys = ctx.directory.passkeys(user_id).await?;
    Ok(keydesk_graph::find_credential(&passkeys, &credential))
}
