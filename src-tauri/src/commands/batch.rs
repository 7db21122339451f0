//! *Start batch* / *Stop batch*: the loaded queue worked over every plugged key at once
//! (the engine's `batch::run_watched`, one worker per key), each user's steps streamed to
//! the window as [`BatchEvent`]s so each key card shows its user and its own prompt.
//! Users who left the group since the queue was loaded are not worked (skipped, saying
//! so). Each outcome also goes into the batch's summary (`keydesk_engine::batch_summary`),
//! sent with the last event and kept for `batch_summary_save`.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use keydesk_core::DirectoryUser;
use keydesk_engine::batch::{self, Outcome, Watch};
use keydesk_engine::batch_summary::{BatchSummary, Ending, UserEnding};
use keydesk_engine::system_now;
use keydesk_ipc::{BatchEvent, ErrorKind, IpcError, Registered, SavedFile, SummaryFormat};
use tauri::ipc::Channel;
use tauri::State;

use super::{no_key, signed_in, ActiveJob};
use crate::convert;
use crate::state::{AppState, Started};

/// Works the loaded queue over the plugged keys until it is done or stopped.
#[tauri::command]
pub async fn batch_start(
    state: State<'_, Started>,
    on_event: Channel<BatchEvent>,
) -> Result<(), IpcError> {
    let send = Arc::new(move |event: BatchEvent| {
        let _ = on_event.send(event);
    });
    start(state.get()?, send).await
}

/// [`batch_start`] without Tauri: each event goes to `send`. On a shared store
/// (`state.desk`) the desk's claim loop picks the users (`Desk::run_watched`): users other
/// desks hold are left to them, and each outcome also goes to the shared audit chain.
pub(crate) async fn start(
    state: &AppState,
    send: Arc<dyn Fn(BatchEvent) + Send + Sync>,
) -> Result<(), IpcError> {
    let graph = signed_in(state)?;
    let keys = state.keys.as_deref().ok_or_else(no_key)?;
    let users = state
        .users
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let _active = ActiveJob::claim(state, "batch")?;
    let (users, left) = still_members(state, &graph, users).await?;
    state.batch_stop.store(false, Ordering::SeqCst);
    let mut ctx = state.context(&graph);
    crate::desk_settings::apply(&mut ctx, &state.settings());
    let taken = Arc::clone(&send);
    let on_key = move |user: &DirectoryUser, key_id: &str| {
        taken(BatchEvent::KeyTaken {
            user_id: user.id.clone(),
            display_name: user.display_name.clone(),
            key_id: key_id.to_owned(),
        });
    };
    ctx.on_key = Some(&on_key);
    let (registered, failed) = (AtomicU32::new(0), AtomicU32::new(0));
    let summary = Mutex::new(BatchSummary::new(system_now()));
    let journal = &state.station.journal;
    // The key (model, serial) a failed user's job recorded (none when it failed before
    // taking a key).
    let key_of = |user: &DirectoryUser| {
        let job = journal.job(&user.id).ok().flatten()?;
        let serial = job.key_serial?;
        Some((job.key_model.unwrap_or_default(), Some(serial)))
    };
    let step: &(dyn Fn(&DirectoryUser, keydesk_engine::Step) + Send + Sync) = &|user, step| {
        send(BatchEvent::Step {
            user_id: user.id.clone(),
            display_name: user.display_name.clone(),
            step: convert::step(step),
            message: step.prompt().to_owned(),
        });
    };
    let report: &(dyn Fn(&DirectoryUser, &Outcome) + Send + Sync) = &|user, outcome| {
        if let Some(desk) = &state.desk {
            // One entry in the chain the desks share, as keydesk-cli's desks write.
            desk.audit(user, outcome);
        }
        let (ending, reason, key) = match outcome {
            Outcome::AlreadyRegistered => return,
            Outcome::Registered(done) => (
                Ending::Registered,
                None,
                Some((done.key_model.clone(), done.key_serial.clone())),
            ),
            Outcome::Skipped(why) => (Ending::Skipped, Some(why.clone()), None),
            Outcome::Failed(e) => (
                Ending::Failed,
                Some(convert::provision_error(e).message),
                key_of(user),
            ),
        };
        summary
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .record(UserEnding {
                user_id: user.id.clone(),
                upn: user.upn.clone(),
                ending,
                reason,
                key_model: key.as_ref().map(|(model, _)| model.clone()),
                key_serial: key.as_ref().and_then(|(_, serial)| serial.clone()),
                at: system_now(),
            });
        let event = match outcome {
            Outcome::AlreadyRegistered => return,
            Outcome::Registered(done) => {
                registered.fetch_add(1, Ordering::Relaxed);
                BatchEvent::Registered(Registered {
                    user_id: user.id.clone(),
                    upn: user.upn.clone(),
                    display_name: user.display_name.clone(),
                    pin: done.pin.expose().to_owned(),
                    key_model: done.key_model.clone(),
                    key_serial: done.key_serial.clone(),
                    method_name: Some(done.method_name.clone()),
                    warnings: done.warnings.clone(),
                })
            }
            Outcome::Skipped(why) => {
                failed.fetch_add(1, Ordering::Relaxed);
                BatchEvent::Failed {
                    user_id: user.id.clone(),
                    display_name: user.display_name.clone(),
                    error: convert::plain(ErrorKind::NotEligible, why.clone(), "Nothing to do."),
                    key_model: None,
                }
            }
            Outcome::Failed(e) => {
                failed.fetch_add(1, Ordering::Relaxed);
                BatchEvent::Failed {
                    user_id: user.id.clone(),
                    display_name: user.display_name.clone(),
                    error: convert::provision_error(e),
                    key_model: key.map(|(model, _)| model),
                }
            }
        };
        send(event);
    };
    let watch = Watch {
        stop: &state.batch_stop,
        step,
    };
    for user in &left {
        report(user, &Outcome::Skipped(LEFT.to_owned()));
    }
    let workers = workers(state);
    let result = match &state.desk {
        Some(desk) => {
            desk.run_watched(&ctx, users, keys, workers, &watch, report)
                .await
        }
        None => batch::run_watched(&ctx, users, keys, workers, &watch, report).await,
    };
    let stopped = state.batch_stop.load(Ordering::SeqCst);
    let mut summary = summary.into_inner().unwrap_or_else(|p| p.into_inner());
    summary.end(system_now(), stopped);
    send(BatchEvent::Finished {
        registered: registered.load(Ordering::Relaxed),
        failed: failed.load(Ordering::Relaxed),
        stopped,
        summary: convert::batch_summary(&summary),
    });
    *state.last_batch.lock().unwrap_or_else(|p| p.into_inner()) = Some(summary);
    result.map_err(|e| convert::provision_error(&e))
}

/// Takes no new user; the users in progress finish.
#[tauri::command]
pub fn batch_stop(state: State<'_, Started>) -> Result<(), IpcError> {
    state.get()?.batch_stop.store(true, Ordering::SeqCst);
    Ok(())
}

/// Writes the last batch's summary to `path` (CSV or JSON; no PIN in it).
#[tauri::command]
pub fn batch_summary_save(
    state: State<'_, Started>,
    format: SummaryFormat,
    path: String,
) -> Result<SavedFile, IpcError> {
    let state = state.get()?;
    let text = {
        let last = state.last_batch.lock().unwrap_or_else(|p| p.into_inner());
        let summary = last.as_ref().ok_or_else(|| {
            convert::plain(
                ErrorKind::InvalidInput,
                "No batch has run in this window yet.",
                "Run a batch first; its summary can be saved when it ends.",
            )
        })?;
        match format {
            SummaryFormat::Csv => summary.csv(),
            SummaryFormat::Json => summary.json(),
        }
    };
    super::paper::save_text(state, &path, &text)
}

/// Why a loaded user is not worked: they left the group since the queue was loaded.
const LEFT: &str = "no longer a member of the group: reload the queue";

/// The loaded users still members of the queue's group (read again from Graph: the queue
/// may have been loaded hours ago), and those who left it since.
async fn still_members(
    state: &AppState,
    graph: &keydesk_graph::GraphClient,
    users: Vec<DirectoryUser>,
) -> Result<(Vec<DirectoryUser>, Vec<DirectoryUser>), IpcError> {
    let group = state
        .users_group
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let Some(group) = group else {
        return Ok((users, Vec::new()));
    };
    let members: HashSet<String> = graph
        .group_users(&group)
        .await
        .map_err(|e| convert::graph_error(&e))?
        .into_iter()
        .map(|u| u.id)
        .collect();
    Ok(users.into_iter().partition(|u| members.contains(&u.id)))
}

/// One worker per plugged key (at least one, which waits for a key).
fn workers(state: &AppState) -> usize {
    let plugged = match &state.rack {
        Some(rack) => rack.plugged().len(),
        None => keydesk_fido::hid::fido_devices().map_or(0, |d| d.len()),
    };
    plugged.max(1)
}

#[cfg(all(test, feature = "demo"))]
#[path = "batch_tests.rs"]
mod tests;
