//! Several desks on one shared store (`--store`): which users other desks work now, and
//! this desk's claim on a user while the window changes that user's job. The store writes
//! a job change through only while this desk holds the user (`keydesk_store_pg`'s mirror),
//! so *Provision* and the queue's commands run under a claim; without a store, nothing here
//! does anything.
//!
//! Known gaps: the attention dialog's decisions and the Paper menu's confirmations do not
//! take a claim yet (on a shared store their write-through is refused as a conflict).
//! *Provision*'s outcome goes to the shared audit chain (`Desk::audit`) as the CLI's does.

use std::collections::HashMap;

use keydesk_core::DirectoryUser;
use keydesk_ipc::{DeskClaim, ErrorKind, IpcError};
use keydesk_store_pg::desk::{Desk, Renewal};
use tauri::State;

use crate::convert;
use crate::state::{AppState, Started};

/// The users other desks on the shared store are working now.
#[tauri::command]
pub fn desk_claims(state: State<'_, Started>) -> Result<Vec<DeskClaim>, IpcError> {
    Ok(held_elsewhere(state.get()?)?
        .into_iter()
        .map(|(user_id, desk)| DeskClaim { user_id, desk })
        .collect())
}

/// User id → the other desk working that user (empty without a shared store).
pub(crate) fn held_elsewhere(state: &AppState) -> Result<HashMap<String, String>, IpcError> {
    match &state.desk {
        None => Ok(HashMap::new()),
        Some(desk) => desk.held_elsewhere().map_err(|e| {
            convert::plain(
                ErrorKind::Journal,
                format!("The shared store cannot be read: {e}."),
                e.remediation(),
            )
        }),
    }
}

/// This desk's claim on `user_id` on the shared store, held until the guard is dropped,
/// for a command about to change the user's job (`None` without a store). The user is the
/// loaded queue's, else the journal's.
pub(crate) fn claim_for<'a>(
    state: &'a AppState,
    user_id: &str,
) -> Result<Option<DeskClaimed<'a>>, IpcError> {
    let Some(desk) = &state.desk else {
        return Ok(None);
    };
    let loaded = state
        .users
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .find(|u| u.id == user_id)
        .cloned();
    let user = match loaded {
        Some(user) => user,
        None => {
            let job = state
                .station
                .journal
                .job(user_id)
                .map_err(|e| convert::provision_error(&e.into()))?;
            DirectoryUser {
                id: user_id.to_owned(),
                upn: job.map(|j| j.upn).unwrap_or_default(),
                display_name: user_id.to_owned(),
                enabled: true,
                guest: false,
                department: None,
                office: None,
            }
        }
    };
    DeskClaimed::take(desk, &state.station.journal, &user).map(Some)
}

/// This desk's claim on a user on the shared store, renewed while held, released on drop.
pub(crate) struct DeskClaimed<'a> {
    desk: &'a Desk,
    user_id: String,
    _renewal: Renewal,
}

impl<'a> DeskClaimed<'a> {
    pub(crate) fn take(
        desk: &'a Desk,
        journal: &keydesk_engine::Journal,
        user: &DirectoryUser,
    ) -> Result<Self, IpcError> {
        let claimed = desk
            .claim_user(journal, user)
            .map_err(|e| convert::provision_error(&e))?;
        if !claimed {
            let elsewhere = desk.held_elsewhere().unwrap_or_default();
            let other = elsewhere
                .get(&user.id)
                .map_or("another desk", String::as_str);
            return Err(convert::plain(
                ErrorKind::AtAnotherDesk,
                format!("{} is being provisioned at {other}.", user.display_name),
                "Pick another user; this one comes back to the queue if that desk stops.",
            ));
        }
        Ok(DeskClaimed {
            desk,
            user_id: user.id.clone(),
            _renewal: desk.keep_claims(),
        })
    }
}

impl Drop for DeskClaimed<'_> {
    fn drop(&mut self) {
        if let Err(e) = self.desk.release_user(&self.user_id) {
            tracing::warn!(error = %e, "releasing the claim on a user failed (its lease runs out)");
        }
    }
}
