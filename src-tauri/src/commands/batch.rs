//! *Start batch* / *Stop batch*: the loaded queue worked over every plugged key at once
//! (the engine's `batch::run_watched`, one worker per key), each user's steps streamed to
//! the window as [`BatchEvent`]s so each key card shows its user and its own prompt.

use std::sync::atomic::{AtomicU32, Ordering};

use keydesk_core::DirectoryUser;
use keydesk_engine::batch::{self, Outcome, Watch};
use keydesk_ipc::{BatchEvent, ErrorKind, IpcError, Registered};
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
    let state = state.get()?;
    if state.desk.is_some() {
        return Err(convert::plain(
            ErrorKind::Unsupported,
            "Start batch does not work with a shared store in the window yet.",
            "Provision users one at a time here, or run the batch with keydesk-cli provision --store.",
        ));
    }
    let graph = signed_in(state)?;
    let keys = state.keys.as_deref().ok_or_else(no_key)?;
    let users = state
        .users
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let _active = ActiveJob::claim(state, "batch")?;
    state.batch_stop.store(false, Ordering::SeqCst);
    let mut ctx = state.context(&graph);
    crate::desk_settings::apply(&mut ctx, &state.settings());
    let (registered, failed) = (AtomicU32::new(0), AtomicU32::new(0));
    let steps = on_event.clone();
    let step: &(dyn Fn(&DirectoryUser, keydesk_engine::Step) + Send + Sync) = &move |user, step| {
        let _ = steps.send(BatchEvent::Step {
            user_id: user.id.clone(),
            display_name: user.display_name.clone(),
            step: convert::step(step),
            message: step.prompt().to_owned(),
        });
    };
    let report: &(dyn Fn(&DirectoryUser, &Outcome) + Send + Sync) = &|user, outcome| {
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
                })
            }
            Outcome::Skipped(why) => {
                failed.fetch_add(1, Ordering::Relaxed);
                BatchEvent::Failed {
                    user_id: user.id.clone(),
                    error: convert::plain(ErrorKind::NotEligible, why.clone(), "Nothing to do."),
                }
            }
            Outcome::Failed(e) => {
                failed.fetch_add(1, Ordering::Relaxed);
                BatchEvent::Failed {
                    user_id: user.id.clone(),
                    error: convert::provision_error(e),
                }
            }
        };
        let _ = on_event.send(event);
    };
    let watch = Watch {
        stop: &state.batch_stop,
        step,
    };
    let workers = workers(state);
    let result = batch::run_watched(&ctx, users, keys, workers, &watch, report).await;
    let _ = on_event.send(BatchEvent::Finished {
        registered: registered.load(Ordering::Relaxed),
        failed: failed.load(Ordering::Relaxed),
        stopped: state.batch_stop.load(Ordering::SeqCst),
    });
    result.map_err(|e| convert::provision_error(&e))
}

/// Takes no new user; the users in progress finish.
#[tauri::command]
pub fn batch_stop(state: State<'_, Started>) -> Result<(), IpcError> {
    state.get()?.batch_stop.store(true, Ordering::SeqCst);
    Ok(())
}

/// One worker per plugged key (at least one, which waits for a key).
fn workers(state: &AppState) -> usize {
    let plugged = match &state.rack {
        Some(rack) => rack.plugged().len(),
        None => keydesk_fido::hid::fido_devices().map_or(0, |d| d.len()),
    };
    plugged.max(1)
}
