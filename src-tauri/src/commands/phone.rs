//! The phone hand-out from the window: the engine's phone flow (`keydesk_engine::phone`)
//! with its progress on a channel. The pass crosses to the window once, to be shown large;
//! it is not logged, stored or kept here after the wait.

use keydesk_engine::inventory::PhonePlatform;
use keydesk_engine::phone::{
    issue_phone_pass, watch_for_phone, PhoneEvent as Progress, PhoneOptions, PhoneOutcome,
};
use keydesk_graph::GraphClient;
use keydesk_ipc::{ErrorKind, IpcError, PhoneDone, PhoneEvent, PhoneKind, PhoneRequest};
use tauri::ipc::Channel;
use tauri::State;

use super::signed_in;
use crate::convert;
use crate::state::{AppState, Started};

/// Issues the pass, sends it, waits for the phone's passkey; the pass is deleted at the end.
#[tauri::command]
pub async fn phone_hand_out(
    state: State<'_, Started>,
    request: PhoneRequest,
    on_event: Channel<PhoneEvent>,
) -> Result<(), IpcError> {
    let state = state.get()?;
    let graph = signed_in(state)?;
    let events = on_event.clone();
    let send = move |event: PhoneEvent| {
        let _ = events.send(event);
    };
    hand_out(state, &graph, &request, &PhoneOptions::default(), &send).await;
    Ok(())
}

/// Stops waiting for the phone: the wait ends as cancelled and its pass is deleted.
#[tauri::command]
pub fn phone_cancel(state: State<'_, Started>) -> Result<(), IpcError> {
    state.get()?.phone_cancel.notify_waiters();
    Ok(())
}

/// Demo only: the simulated phone signs in with the user's pass and creates the passkey.
#[tauri::command]
pub async fn demo_phone(state: State<'_, Started>, user_id: String) -> Result<(), IpcError> {
    let state = state.get()?;
    let demo = state.demo.as_ref().ok_or_else(|| {
        convert::plain(
            ErrorKind::Internal,
            "The simulated phone exists only in demo mode.",
            "Start KeyDesk with --demo.",
        )
    })?;
    demo.play_phone(&user_id).await.map_err(|why| {
        convert::plain(
            ErrorKind::InvalidInput,
            format!("The simulated phone could not sign in: {why}"),
            "Hand out the phone first: the simulated phone signs in with the pass on screen.",
        )
    })
}

/// The command's work, every ending sent as an event (`Done` or `Failed`).
pub(crate) async fn hand_out(
    state: &AppState,
    graph: &GraphClient,
    request: &PhoneRequest,
    defaults: &PhoneOptions,
    send: &(dyn Fn(PhoneEvent) + Send + Sync),
) {
    let options = PhoneOptions {
        lifetime_minutes: request.lifetime_minutes,
        one_time: true,
        replace: request.replace,
        ..defaults.clone()
    };
    let mut ctx = state.context(graph);
    crate::desk_settings::apply(&mut ctx, &state.settings());
    // Registered before the pass exists, so a cancel sent while it is issued is not lost.
    let cancel = state.phone_cancel.notified();
    let session = match issue_phone_pass(&ctx, graph, request.user_id.trim(), &options).await {
        Ok(session) => session,
        Err(e) => return send(PhoneEvent::Failed(convert::provision_error(&e))),
    };
    send(PhoneEvent::PassIssued {
        upn: session.user.upn.clone(),
        display_name: session.user.display_name.clone(),
        pass: session.pass().expose().to_owned(),
        lifetime_minutes: session.lifetime_minutes,
        wait_secs: u32::try_from(options.timeout.as_secs()).unwrap_or(u32::MAX),
    });
    let progress = |event: Progress| match event {
        Progress::Waiting { elapsed_secs, .. } => send(PhoneEvent::Waiting {
            elapsed_secs: u32::try_from(elapsed_secs).unwrap_or(u32::MAX),
        }),
        Progress::Detected { platform, .. } => send(PhoneEvent::Detected {
            platform: kind(platform),
        }),
        Progress::PassDeleted { .. } => send(PhoneEvent::PassDeleted),
        Progress::Cancelled { .. } | Progress::TimedOut { .. } => {}
    };
    let result = watch_for_phone(&ctx, graph, session, &options, cancel, &progress).await;
    send(match result {
        Ok(result) => PhoneEvent::Done(match result.outcome {
            PhoneOutcome::Registered { platform, .. } => PhoneDone::Registered {
                platform: kind(platform),
                pass_deleted: result.pass_deleted,
            },
            PhoneOutcome::Cancelled => PhoneDone::Cancelled {
                pass_deleted: result.pass_deleted,
            },
            PhoneOutcome::TimedOut => PhoneDone::TimedOut {
                pass_deleted: result.pass_deleted,
            },
        }),
        Err(e) => PhoneEvent::Failed(convert::provision_error(&e)),
    });
}

fn kind(platform: PhonePlatform) -> PhoneKind {
    match platform {
        PhonePlatform::Ios => PhoneKind::Ios,
        PhonePlatform::Android => PhoneKind::Android,
    }
}

#[cfg(all(test, feature = "demo"))]
#[path = "phone_tests.rs"]
mod tests;
