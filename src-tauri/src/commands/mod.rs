//! Tauri commands: read state, call the engine, map the result. Nothing else. The desk's
//! commands are here; the connection screen's, the settings', *Jobs that need attention*,
//! the key inventory, the history, the queue's bulk operations and the user's existing
//! passkeys have their own modules.

mod attention;
mod batch;
mod connection;
mod demo_keys;
mod group;
mod history;
mod import;
mod inventory;
mod lock;
mod paper;
mod passkeys;
mod phone;
mod queue;
mod settings;
mod shared_store;
mod user_list;

pub use attention::*;
pub use batch::*;
pub use connection::*;
pub use demo_keys::*;
pub use group::*;
pub use history::*;
pub use import::*;
pub use inventory::*;
pub use lock::*;
pub use paper::*;
pub use passkeys::*;
pub use phone::*;
pub use queue::*;
pub use settings::*;
pub use shared_store::*;
use shared_store::{claim_for, held_elsewhere, DeskClaimed};
pub use user_list::*;

use keydesk_engine::provision_user;
use keydesk_engine::ProvisionError;
use keydesk_fido::hid::DeviceEvent;
use keydesk_fido::rack::KeyEvent as RackEvent;
use keydesk_ipc::{
    AppInfo, ErrorKind, ExistingChoice, IpcError, KeyEvent, PendingLetter, PinChoice,
    ProvisionEvent, QueueUser, Registered,
};
use tauri::ipc::Channel;
use tauri::State;

use crate::convert;
use crate::metadata::Metadata;
use crate::state::{AppState, Started};
use std::sync::Arc;

const NO_SIGN_IN: &str = "KeyDesk is not signed in to a tenant.";
const SIGN_IN: &str = "Open Connection, fill in the tenant and sign in.";

/// Header facts; rejects with the start-up error when the app did not start.
#[tauri::command]
pub fn app_info(state: State<'_, Started>) -> Result<AppInfo, IpcError> {
    Ok(state.get()?.info())
}

/// The group's (or the users file's) users with their journal status, then those who left
/// the group since their job started (marked; never in the loaded queue a batch works).
#[tauri::command]
pub async fn queue_load(state: State<'_, Started>) -> Result<Vec<QueueUser>, IpcError> {
    let state = state.get()?;
    let graph = signed_in(state)?;
    let (users, group_id) = match queue_group(state) {
        QueueGroup::File(path) => (users_from_file(&graph, &path).await?, None),
        QueueGroup::Id(id) => (group_users(&graph, &id).await?, Some(id)),
        QueueGroup::Named(name) => {
            let group = graph
                .resolve_group(&name)
                .await
                .map_err(|e| convert::graph_error(&e))?;
            (group_users(&graph, &group.id).await?, Some(group.id))
        }
    };
    let mut loaded = state.users.lock().unwrap_or_else(|p| p.into_inner());
    let mut loaded_group = state.users_group.lock().unwrap_or_else(|p| p.into_inner());
    let journal = &state.station.journal;
    let rows = match &group_id {
        Some(id) => {
            // The members at the previous load of this group may have been worked since.
            let earlier = match loaded_group.as_deref() {
                Some(before) if before == id => loaded.as_slice(),
                _ => &[],
            };
            keydesk_engine::queue::rows_of_group(journal, id, earlier, &users)
        }
        None => keydesk_engine::queue::rows(journal, &users),
    }
    .map_err(|e| convert::provision_error(&e))?;
    *loaded = users;
    *loaded_group = group_id;
    drop((loaded, loaded_group));
    let held = held_elsewhere(state)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut user = convert::queue_user(row);
            user.at_desk = held.get(&user.id).cloned();
            user
        })
        .collect())
}

async fn group_users(
    graph: &keydesk_graph::GraphClient,
    id: &str,
) -> Result<Vec<keydesk_core::DirectoryUser>, IpcError> {
    graph
        .group_users(id)
        .await
        .map_err(|e| convert::graph_error(&e))
}

/// Provisions one user; progress and the result arrive on `on_event`.
#[tauri::command]
pub async fn provision(
    state: State<'_, Started>,
    user_id: String,
    key_with_pin: Option<PinChoice>,
    existing: Option<ExistingChoice>,
    on_event: Channel<ProvisionEvent>,
) -> Result<(), IpcError> {
    let state = state.get()?;
    let graph = signed_in(state)?;
    let keys = state.keys.as_ref().ok_or_else(no_key)?;
    let user = state
        .users
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .find(|u| u.id == user_id)
        .cloned()
        .ok_or_else(|| {
            convert::plain(
                ErrorKind::Internal,
                "This user is not in the loaded queue.",
                "Reload the queue.",
            )
        })?;
    let _active = ActiveJob::claim(state, &user.id)?;
    let mut ctx = state.context(&graph);
    crate::desk_settings::apply(&mut ctx, &state.settings());
    crate::desk_settings::override_pin(&mut ctx.settings, key_with_pin);
    crate::desk_settings::override_existing(&mut ctx.settings, existing);
    let taken = on_event.clone();
    let on_key = move |_: &keydesk_core::DirectoryUser, key_id: &str| {
        let _ = taken.send(ProvisionEvent::KeyTaken {
            key_id: key_id.to_owned(),
        });
    };
    ctx.on_key = Some(&on_key);
    // On a shared store the user is claimed first (and kept claimed while the key works),
    // so no other desk takes it; another desk's user is refused.
    let _claim = match &state.desk {
        Some(desk) => Some(DeskClaimed::take(desk, ctx.journal, &user)?),
        None => None,
    };
    let events = on_event.clone();
    let progress = move |step: keydesk_engine::Step| {
        let _ = events.send(ProvisionEvent::Step {
            step: convert::step(step),
            message: step.prompt().to_owned(),
        });
    };
    let outcome = tokio::select! {
        outcome = provision_user(&ctx, &user, keys.as_ref(), &progress) => Some(outcome),
        () = state.cancel.notified() => None,
    };
    let event = match outcome {
        None => ProvisionEvent::Failed(convert::plain(
            ErrorKind::Cancelled,
            "Provisioning was cancelled.",
            "Provision the user again when you are ready: KeyDesk resumes where it stopped.",
        )),
        Some(Ok(ref done)) => ProvisionEvent::Registered(Registered {
            user_id: user.id.clone(),
            upn: user.upn.clone(),
            display_name: user.display_name.clone(),
            pin: done.pin.expose().to_owned(),
            key_model: done.key_model.clone(),
            key_serial: done.key_serial.clone(),
            method_name: Some(done.method_name.clone()),
            warnings: done.warnings.clone(),
        }),
        Some(Err(ref e)) => ProvisionEvent::Failed(convert::provision_error(e)),
    };
    if let (Some(desk), Some(outcome)) = (&state.desk, outcome) {
        // One entry in the chain the desks share, as keydesk-cli's desks write.
        let outcome = match outcome {
            Ok(done) => keydesk_engine::batch::Outcome::Registered(done),
            Err(e) => keydesk_engine::batch::Outcome::Failed(e),
        };
        desk.audit(&user, &outcome);
    }
    on_event
        .send(event)
        .map_err(|e| convert::plain(ErrorKind::Internal, e.to_string(), "Restart KeyDesk."))
}

/// The operator printed the user's PIN letter: the escrowed PIN is wiped.
#[tauri::command]
pub fn letter_printed(state: State<'_, Started>, user_id: String) -> Result<(), IpcError> {
    let state = state.get()?;
    let _claim = claim_for(state, &user_id)?;
    keydesk_engine::letter_printed(
        &state.station.journal,
        Some(&state.station.audit),
        &state.operator(),
        &user_id,
    )
    .map(drop)
    .map_err(|e| convert::provision_error(&e))
}

/// Stops the running job while it waits (the UI offers it only before the key is written).
#[tauri::command]
pub fn provision_cancel(state: State<'_, Started>) -> Result<(), IpcError> {
    state.get()?.cancel.notify_waiters();
    Ok(())
}

/// The operator skips a pending or failed user.
#[tauri::command]
pub fn queue_skip(state: State<'_, Started>, user_id: String) -> Result<(), IpcError> {
    let state = state.get()?;
    let _claim = claim_for(state, &user_id)?;
    let journal = &state.station.journal;
    // A user never tried has no job yet: it starts with the UPN the queue knows.
    let upn = state
        .users
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .find(|u| u.id == user_id)
        .map(|u| u.upn.clone());
    if let Some(upn) = upn {
        journal
            .enqueue(&user_id, &upn)
            .map_err(|e| convert::provision_error(&e.into()))?;
    }
    keydesk_engine::queue::skip(journal, &user_id).map_err(|e| convert::provision_error(&e))
}

/// Every sealed PIN whose letter is not confirmed printed yet.
#[tauri::command]
pub fn letters_pending(state: State<'_, Started>) -> Result<Vec<PendingLetter>, IpcError> {
    pending_letters(state.get()?)
}

/// [`letters_pending`]'s work; refused while the window is locked.
pub(crate) fn pending_letters(state: &AppState) -> Result<Vec<PendingLetter>, IpcError> {
    state.lock.refuse_if_locked()?;
    let jobs = state
        .station
        .journal
        .jobs()
        .map_err(|e| convert::provision_error(&ProvisionError::from(e)))?;
    let users = state.users.lock().unwrap_or_else(|p| p.into_inner());
    Ok(jobs
        .into_iter()
        .filter(|j| j.pin_sealed.is_some())
        .map(|j| convert::pending_letter(j, &users))
        .collect())
}

/// Opens the user's escrowed PIN again, to reprint its letter.
#[tauri::command]
pub async fn letter_reprint(
    state: State<'_, Started>,
    user_id: String,
) -> Result<Registered, IpcError> {
    let state = state.get()?;
    state.lock.refuse_if_locked()?;
    let graph = signed_in(state)?;
    let ctx = state.context(&graph);
    let fail = |e: ProvisionError| convert::provision_error(&e);
    let job = state
        .station
        .journal
        .job(&user_id)
        .map_err(|e| fail(e.into()))?;
    let pin = keydesk_engine::escrowed_pin(&ctx, &user_id).map_err(fail)?;
    let (Some(job), Some(pin)) = (job, pin) else {
        return Err(convert::plain(
            ErrorKind::EscrowUnavailable,
            "This user's PIN is no longer kept: its letter was confirmed printed.",
            "Use Replace key to give the user a new key and PIN.",
        ));
    };
    let users = state.users.lock().unwrap_or_else(|p| p.into_inner());
    let letter = convert::pending_letter(job, &users);
    Ok(Registered {
        user_id: letter.user_id,
        upn: letter.upn,
        display_name: letter.display_name,
        pin: pin.expose().to_owned(),
        key_model: letter.key_model.unwrap_or_else(|| "Security key".into()),
        key_serial: letter.key_serial,
        method_name: None,
        warnings: Vec::new(),
    })
}

/// Lost or replaced key: the passkey is deleted and revoked; `reissue` makes the user
/// pending again.
#[tauri::command]
pub async fn key_revoke(
    state: State<'_, Started>,
    user_id: String,
    reissue: bool,
) -> Result<(), IpcError> {
    let state = state.get()?;
    let graph = signed_in(state)?;
    let _claim = claim_for(state, &user_id)?;
    let ctx = state.context(&graph);
    let fail = |e: ProvisionError| convert::provision_error(&e);
    keydesk_engine::lost::report_lost(&ctx, &user_id)
        .await
        .map_err(fail)?;
    if reissue {
        keydesk_engine::queue::retry(&state.station.journal, &user_id).map_err(fail)?;
    }
    Ok(())
}

/// No key source (the app could not start watching keys).
fn no_key() -> IpcError {
    convert::plain(
        ErrorKind::NoKey,
        "KeyDesk has no keys to work with.",
        "Restart KeyDesk; for simulated keys start it with --soft-keys N against a simulated tenant.",
    )
}

/// Graph, or the error that asks the operator to sign in.
fn signed_in(state: &AppState) -> Result<keydesk_graph::GraphClient, IpcError> {
    state
        .graph()
        .ok_or_else(|| convert::plain(ErrorKind::SignIn, NO_SIGN_IN, SIGN_IN))
}

/// Marks a user as being provisioned; one job at a time in the window.
struct ActiveJob<'a>(&'a AppState);

impl<'a> ActiveJob<'a> {
    fn claim(state: &'a AppState, user_id: &str) -> Result<Self, IpcError> {
        let mut active = state.active.lock().unwrap_or_else(|p| p.into_inner());
        if active.is_some() {
            return Err(convert::plain(
                ErrorKind::Busy,
                "Another user (or a batch) is being provisioned.",
                "Finish or cancel that user, or stop the batch, first.",
            ));
        }
        *active = Some(user_id.to_owned());
        Ok(ActiveJob(state))
    }
}

impl Drop for ActiveJob<'_> {
    fn drop(&mut self) {
        *self.0.active.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

/// Streams plugged keys: present keys first, then changes.
#[tauri::command]
pub async fn keys_watch(
    state: State<'_, Started>,
    on_event: Channel<KeyEvent>,
) -> Result<(), IpcError> {
    let state = state.get()?;
    let metadata = Arc::clone(&state.metadata);
    let Some(rack) = state.rack.clone() else {
        tauri::async_runtime::spawn(watch_hardware(on_event, metadata));
        return Ok(());
    };
    let drawer = Arc::clone(&state.drawer);
    let mut watch = rack.watch();
    tauri::async_runtime::spawn(async move {
        while let Some(event) = watch.next().await {
            let mds = metadata.current();
            // A key the stack set aside is in the drawer before its removal is heard.
            if let RackEvent::Removed { id } = &event {
                if let Some(key) = drawer.get(id) {
                    let removed = KeyEvent::Removed { id: id.clone() };
                    let view = KeyEvent::Drawer(convert::key_view(&key, mds.as_deref()));
                    if on_event.send(removed).is_err() || on_event.send(view).is_err() {
                        break;
                    }
                    continue;
                }
            }
            let out = match event {
                RackEvent::Added { id } => {
                    convert::rack_key(&rack, &id, mds.as_deref()).map(KeyEvent::Added)
                }
                RackEvent::Changed { id } => {
                    convert::rack_key(&rack, &id, mds.as_deref()).map(KeyEvent::Changed)
                }
                RackEvent::Removed { id } => Some(KeyEvent::Removed { id }),
                RackEvent::EnumerationComplete => Some(KeyEvent::EnumerationComplete),
            };
            if let Some(out) = out {
                if on_event.send(out).is_err() {
                    break;
                }
            }
        }
    });
    Ok(())
}

/// The security keys plugged into this machine, for the key tray (the device watcher's
/// own stream: the engine's key source opens the keys it hands out).
async fn watch_hardware(on_event: Channel<KeyEvent>, metadata: Arc<Metadata>) {
    let mut devices = keydesk_fido::hid::watch();
    while let Some(event) = devices.next().await {
        let out = match event {
            DeviceEvent::Added(identity) => {
                KeyEvent::Added(convert::hid_key(&identity, metadata.current().as_deref()))
            }
            DeviceEvent::Removed { path } => KeyEvent::Removed { id: path },
            DeviceEvent::EnumerationComplete => KeyEvent::EnumerationComplete,
            DeviceEvent::Error(e) => {
                tracing::warn!(error = %e, "key enumeration failed");
                continue;
            }
        };
        if on_event.send(out).is_err() {
            break;
        }
    }
}
