//! *Jobs that need attention*: list them with their candidate passkeys, record the
//! operator's decision (the engine audits it).

use keydesk_core::job::JobState;
use keydesk_core::DirectoryUser;
use keydesk_engine::journal::JobRecord;
use keydesk_engine::{resume, ProvisionError};
use keydesk_graph::Passkey;
use keydesk_ipc::{AttentionJob, Candidate, ErrorKind, IpcError, UserStatus};
use tauri::State;

use super::signed_in;
use crate::convert;
use crate::state::Started;

/// Every job in `needs_attention`, with the user's passkeys now.
#[tauri::command]
pub async fn attention_list(state: State<'_, Started>) -> Result<Vec<AttentionJob>, IpcError> {
    let state = state.get()?;
    let graph = signed_in(state)?;
    let fail = |e: ProvisionError| convert::provision_error(&e);
    let jobs = state.station.journal.jobs().map_err(|e| fail(e.into()))?;
    let mut out = Vec::new();
    for job in jobs
        .into_iter()
        .filter(|j| j.state == JobState::NeedsAttention)
    {
        let passkeys = graph
            .passkeys(&job.user_id)
            .await
            .map_err(|e| convert::graph_error(&e))?;
        let users = state
            .users
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        out.push(attention_job(job, passkeys, &users));
    }
    Ok(out)
}

/// The operator's decision: `method_id` is the job's passkey, or none is.
#[tauri::command]
pub async fn attention_resolve(
    state: State<'_, Started>,
    user_id: String,
    method_id: Option<String>,
) -> Result<UserStatus, IpcError> {
    let state = state.get()?;
    let graph = signed_in(state)?;
    let job = state
        .station
        .journal
        .job(&user_id)
        .map_err(|e| convert::provision_error(&e.into()))?
        .ok_or_else(|| {
            convert::plain(
                ErrorKind::NothingToResolve,
                "The journal has no job for this user.",
                "Reload the list.",
            )
        })?;
    // The loaded queue's user, else the journal's id and UPN (all the decision reads).
    let user = state
        .users
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .find(|u| u.id == job.user_id)
        .cloned()
        .unwrap_or_else(|| DirectoryUser {
            id: job.user_id.clone(),
            upn: job.upn.clone(),
            display_name: String::new(),
            enabled: true,
            guest: false,
            department: None,
            office: None,
        });
    let ctx = state.context(&graph);
    let status = resume::resolve(&ctx, &user, method_id.as_deref())
        .await
        .map_err(|e| convert::provision_error(&e))?;
    Ok(if status == JobState::Registered {
        UserStatus::Registered
    } else {
        UserStatus::Pending
    })
}

/// A job that needs attention with the user's passkeys; those not listed before the
/// attempt are marked new (what `keydesk-cli reconcile` marks with `*`).
fn attention_job(job: JobRecord, passkeys: Vec<Passkey>, users: &[DirectoryUser]) -> AttentionJob {
    let before = job
        .attempt
        .as_ref()
        .map(|a| a.before.clone())
        .unwrap_or_default();
    let candidates = passkeys
        .into_iter()
        .map(|p| Candidate {
            new_since_attempt: !before.contains(&p.id),
            method_id: p.id,
            display_name: p.display_name,
            created: p.created,
            aaguid: p.aaguid,
        })
        .collect();
    let detail = job.detail.clone();
    let letter = convert::pending_letter(job, users);
    AttentionJob {
        user_id: letter.user_id,
        upn: letter.upn,
        display_name: letter.display_name,
        detail,
        candidates,
    }
}
