//! Queue operations over the journal: load from a group or a UPN list, filter, skip,
//! retry, reorder, move to the top; and the queue as the window shows it ([`rows`]: the directory's users
//! joined with their journal state, each classified once as a [`QueueStatus`]; with
//! [`rows_of_group`], also the users who left the group since their job started). The
//! journal is the queue: a user's row is their place in it.

use keydesk_core::job::{JobEvent, JobState};
use keydesk_core::DirectoryUser;

use crate::journal::JobRecord;
use crate::{Context, Journal, ProvisionError};

/// Which jobs a view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// Everything.
    All,
    /// Not started.
    Pending,
    /// Started and unfinished.
    InProgress,
    /// Failed.
    Failed,
    /// Registered (or skipped, or revoked).
    Done,
}

impl Filter {
    /// Whether a job in `state` is shown.
    pub fn matches(self, state: JobState) -> bool {
        match self {
            Filter::All => true,
            Filter::Pending => state == JobState::Pending,
            Filter::InProgress => state.is_in_progress(),
            Filter::Failed => state == JobState::Failed,
            Filter::Done => state.is_final(),
        }
    }
}

/// Where a user of the queue stands, as the operator sees it: the app's IPC maps it 1:1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueStatus {
    /// Not started.
    Pending,
    /// Started and unfinished (a job interrupted mid-way reads the same).
    InProgress,
    /// Passkey registered.
    Registered,
    /// Stopped with an error.
    Failed,
    /// Not eligible, or skipped by the operator.
    Skipped,
    /// The key was reported lost or returned and its passkey deleted; a new key is a retry.
    Revoked,
    /// The registration could not be confirmed or ruled out: an operator decides.
    NeedsAttention,
}

impl QueueStatus {
    /// The status of a job in `state`.
    pub fn of(state: JobState) -> QueueStatus {
        match state {
            JobState::Pending => QueueStatus::Pending,
            JobState::Registered => QueueStatus::Registered,
            JobState::Failed => QueueStatus::Failed,
            JobState::Skipped => QueueStatus::Skipped,
            JobState::Revoked => QueueStatus::Revoked,
            JobState::NeedsAttention => QueueStatus::NeedsAttention,
            _ => QueueStatus::InProgress,
        }
    }
}

/// One user of the queue with where they stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    /// The directory's user.
    pub user: DirectoryUser,
    /// Their status: [`QueueStatus::Skipped`] when not eligible, else their job's.
    pub status: QueueStatus,
    /// Why skipped or failed, or the registered key.
    pub detail: Option<String>,
    /// The user has a job from this queue's group but is no longer a member of it (see
    /// [`rows_of_group`]): shown, never worked by a batch; their registration stands.
    pub left_group: bool,
}

/// `users` joined with their journal state: those moved to the top first (latest move
/// first, see [`move_to_top`]), then the rest in their order. Reads the journal only: a
/// user the journal does not know is pending, and nothing is enqueued.
pub fn rows(journal: &Journal, users: &[DirectoryUser]) -> Result<Vec<QueueRow>, ProvisionError> {
    let mut rows = users
        .iter()
        .map(|user| {
            let job = journal.job(&user.id)?;
            let place = job.as_ref().map_or(FIRST, |j| j.position.min(FIRST));
            let (status, detail) = match (user.ineligibility(), job) {
                (Some(why), _) => (QueueStatus::Skipped, Some(why.to_owned())),
                (None, Some(job)) => (QueueStatus::of(job.state), job.detail),
                (None, None) => (QueueStatus::Pending, None),
            };
            let row = QueueRow {
                user: user.clone(),
                status,
                detail,
                left_group: false,
            };
            Ok((place, row))
        })
        .collect::<Result<Vec<_>, ProvisionError>>()?;
    rows.sort_by_key(|(place, _)| *place); // stable: the others keep their order
    Ok(rows.into_iter().map(|(_, row)| row).collect())
}

/// The queue of `group` (its object id) with `users`, its members now: [`rows`], then
/// the users with a job from this group who are no longer members (`left_group`, status
/// as journaled, in queue order). The jobs of `users` and of `earlier` (the members at
/// the previous load of this group, who may have been worked since) are first noted as
/// this group's; a job keeps the first group noted.
pub fn rows_of_group(
    journal: &Journal,
    group: &str,
    earlier: &[DirectoryUser],
    users: &[DirectoryUser],
) -> Result<Vec<QueueRow>, ProvisionError> {
    let ids: Vec<&str> = earlier.iter().chain(users).map(|u| u.id.as_str()).collect();
    journal.note_group(group, &ids)?;
    let members: std::collections::HashSet<&str> = users.iter().map(|u| u.id.as_str()).collect();
    let mut out = rows(journal, users)?;
    for (job, name) in journal.jobs_of_group(group)? {
        if members.contains(job.user_id.as_str()) {
            continue;
        }
        // As the earlier load listed them, else as the journal has them.
        let user = match earlier.iter().find(|u| u.id == job.user_id) {
            Some(user) => user.clone(),
            None => DirectoryUser {
                display_name: name.unwrap_or_else(|| job.upn.clone()),
                id: job.user_id,
                upn: job.upn,
                enabled: true,
                guest: false,
                department: None,
                office: None,
            },
        };
        out.push(QueueRow {
            user,
            status: QueueStatus::of(job.state),
            detail: job.detail,
            left_group: true,
        });
    }
    Ok(out)
}

/// The position [`Journal::enqueue`] gives the first user; smaller ones were moved to the top.
const FIRST: i64 = crate::store::queue_order::FIRST_POSITION;

/// Moves `users` (in this order) ahead of everyone in the queue, before any moved earlier;
/// the others keep their order. Users the journal does not know yet are enqueued. One
/// journal transaction ([`Journal::move_to_top`]).
pub fn move_to_top(journal: &Journal, users: &[DirectoryUser]) -> Result<(), ProvisionError> {
    let users: Vec<(&str, &str)> = users
        .iter()
        .map(|u| (u.id.as_str(), u.upn.as_str()))
        .collect();
    Ok(journal.move_to_top(&users)?)
}

/// The users of a group, in the journal as pending unless already known.
pub async fn from_group(
    ctx: &Context<'_>,
    group: &str,
) -> Result<Vec<DirectoryUser>, ProvisionError> {
    let users = ctx.directory.group_users(group).await?;
    enqueue(ctx.journal, &users)?;
    Ok(users)
}

/// The users named by UPN (or id), in order; unknown names are returned apart.
pub async fn from_upns(
    ctx: &Context<'_>,
    upns: &[String],
) -> Result<(Vec<DirectoryUser>, Vec<String>), ProvisionError> {
    let mut users = Vec::new();
    let mut missing = Vec::new();
    for upn in upns.iter().map(|u| u.trim()).filter(|u| !u.is_empty()) {
        match ctx.directory.user(upn).await {
            Ok(user) => users.push(user),
            Err(ProvisionError::Graph(e))
                if e.kind() == keydesk_graph::GraphErrorKind::NotFound =>
            {
                missing.push(upn.to_owned())
            }
            Err(e) => return Err(e),
        }
    }
    enqueue(ctx.journal, &users)?;
    Ok((users, missing))
}

fn enqueue(journal: &Journal, users: &[DirectoryUser]) -> Result<(), ProvisionError> {
    for user in users {
        journal.enqueue(&user.id, &user.upn)?;
    }
    Ok(())
}

/// The journal's jobs that pass `filter`, in queue order.
pub fn list(journal: &Journal, filter: Filter) -> Result<Vec<JobRecord>, ProvisionError> {
    Ok(journal
        .jobs()?
        .into_iter()
        .filter(|j| filter.matches(j.state))
        .collect())
}

/// Skips a pending or failed user.
pub fn skip(journal: &Journal, user_id: &str) -> Result<(), ProvisionError> {
    let upn = upn_of(journal, user_id)?;
    journal.advance(
        user_id,
        &upn,
        JobEvent::Skipped,
        Some("skipped by the operator"),
    )?;
    Ok(())
}

/// Puts a failed, skipped or revoked user back to pending.
pub fn retry(journal: &Journal, user_id: &str) -> Result<(), ProvisionError> {
    let upn = upn_of(journal, user_id)?;
    journal.advance(user_id, &upn, JobEvent::Retry, None)?;
    Ok(())
}

/// Orders the queue as `user_ids` (others keep their order, after these).
pub fn reorder(journal: &Journal, user_ids: &[String]) -> Result<(), ProvisionError> {
    let rest: Vec<String> = journal
        .jobs()?
        .into_iter()
        .map(|j| j.user_id)
        .filter(|id| !user_ids.contains(id))
        .collect();
    for (i, id) in user_ids.iter().chain(rest.iter()).enumerate() {
        journal.set_position(id, i as i64 + 1)?;
    }
    Ok(())
}

/// Sorts `users` in journal queue order and drops those a batch must not work
/// (skipped or revoked by the operator).
pub fn workable(
    journal: &Journal,
    mut users: Vec<DirectoryUser>,
) -> Result<Vec<DirectoryUser>, ProvisionError> {
    let jobs = journal.jobs()?;
    let pos = |id: &str| {
        jobs.iter()
            .position(|j| j.user_id == id)
            .unwrap_or(usize::MAX)
    };
    users.retain(|u| {
        !jobs
            .iter()
            .any(|j| j.user_id == u.id && matches!(j.state, JobState::Skipped | JobState::Revoked))
    });
    users.sort_by_key(|u| pos(&u.id));
    Ok(users)
}

fn upn_of(journal: &Journal, user_id: &str) -> Result<String, ProvisionError> {
    Ok(journal.job(user_id)?.map(|j| j.upn).unwrap_or_default())
}
