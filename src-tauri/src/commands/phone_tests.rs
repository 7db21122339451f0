//! The window's phone path against demo mode's simulated tenant, whose `/_sim/phone` plays
//! the technician's phone.

use std::sync::Mutex;
use std::time::Duration;

use keydesk_engine::inventory::DeviceKind;
use serde_json::{json, Value};

use super::*;

fn quick() -> PhoneOptions {
    PhoneOptions {
        timeout: Duration::from_secs(20),
        poll_every: Duration::from_millis(50),
        ..PhoneOptions::default()
    }
}

async fn sim_state(state: &AppState) -> Value {
    let base = state.demo.as_ref().unwrap().sim.base_url();
    reqwest::get(format!("{base}/_sim/state"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn sim_user(state: &AppState, n: usize) -> Value {
    sim_state(state).await["users"][n].clone()
}

fn request(upn: &str, replace: bool) -> PhoneRequest {
    PhoneRequest {
        user_id: upn.into(),
        lifetime_minutes: None,
        replace,
    }
}

/// Runs the hand-out; `phone` gets the pass once issued. Returns every event.
async fn run(
    state: &AppState,
    request: PhoneRequest,
    phone: impl FnOnce(String) -> tokio::task::JoinHandle<()> + Send,
) -> Vec<PhoneEvent> {
    let graph = state.graph().unwrap();
    let seen = Mutex::new(Vec::new());
    let phone = Mutex::new(Some(phone));
    let playing = Mutex::new(None);
    let send = |event: PhoneEvent| {
        if let PhoneEvent::PassIssued { pass, .. } = &event {
            let phone = phone.lock().unwrap().take().unwrap();
            *playing.lock().unwrap() = Some(phone(pass.clone()));
        }
        seen.lock().unwrap().push(event);
    };
    hand_out(state, &graph, &request, &quick(), &send).await;
    let playing = playing.lock().unwrap().take();
    if let Some(playing) = playing {
        playing.await.unwrap();
    }
    seen.into_inner().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_phone_s_passkey_ends_the_wait_the_pass_is_deleted_and_the_phone_recorded() {
    tokio::time::timeout(Duration::from_secs(60), async {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::start_demo(dir.path()).await.unwrap();
        let user = sim_user(&state, 0).await;
        let upn = user["upn"].as_str().unwrap().to_owned();
        let base = state.demo.as_ref().unwrap().sim.base_url();
        let phone_upn = upn.clone();
        let events = run(&state, request(&upn, false), move |pass| {
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(200)).await;
                let status = reqwest::Client::new()
                    .post(format!("{base}/_sim/phone"))
                    .json(&json!({"user": phone_upn, "pass": pass, "platform": "android"}))
                    .send()
                    .await
                    .unwrap()
                    .status();
                assert!(status.is_success(), "{status}");
            })
        })
        .await;
        let PhoneEvent::PassIssued {
            upn: shown,
            pass,
            lifetime_minutes,
            ..
        } = &events[0]
        else {
            panic!("{events:?}")
        };
        assert_eq!(shown, &upn);
        assert!(!pass.is_empty());
        assert!(*lifetime_minutes > 0);
        assert!(events
            .iter()
            .any(|e| matches!(e, PhoneEvent::Waiting { .. })));
        assert!(events.iter().any(|e| matches!(
            e,
            PhoneEvent::Detected {
                platform: PhoneKind::Android
            }
        )));
        assert!(
            matches!(
                events.last(),
                Some(PhoneEvent::Done(PhoneDone::Registered {
                    platform: PhoneKind::Android,
                    pass_deleted: true,
                    ..
                }))
            ),
            "{events:?}"
        );
        let held = sim_user(&state, 0).await;
        assert_eq!(held["hasTemporaryAccessPass"], false, "{held}");
        let inventory = state.station.journal.find_inventory(&upn).unwrap();
        assert_eq!(inventory.len(), 1);
        assert_eq!(
            inventory[0].kind(),
            DeviceKind::Phone(PhonePlatform::Android)
        );
        let log = state.station.audit.export().unwrap();
        assert!(log.contains("phone registered"), "{log}");
        assert!(
            !log.contains(pass.as_str()),
            "the pass reached the audit log"
        );
    })
    .await
    .expect("the phone hand-out finished within a minute");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_active_pass_is_kept_until_replaced_and_a_cancel_deletes_the_new_one() {
    tokio::time::timeout(Duration::from_secs(60), async {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::start_demo(dir.path()).await.unwrap();
        let user = sim_user(&state, 1).await;
        let (id, upn) = (user["id"].as_str().unwrap(), user["upn"].as_str().unwrap());
        let graph = state.graph().unwrap();
        graph
            .create_temporary_access_pass(id, &keydesk_graph::TapRequest::default())
            .await
            .unwrap();
        let held = sim_user(&state, 1).await["temporaryAccessPass"]["pass"].clone();

        let events = run(&state, request(upn, false), |_| tokio::spawn(async {})).await;
        let [PhoneEvent::Failed(error)] = events.as_slice() else {
            panic!("{events:?}")
        };
        assert_eq!(error.kind, ErrorKind::PassActive);
        assert!(error.message.contains(upn), "{}", error.message);
        let still = sim_user(&state, 1).await["temporaryAccessPass"]["pass"].clone();
        assert_eq!(still, held, "the user's pass was replaced without asking");

        let cancelling = &state;
        let events = run(&state, request(upn, true), |_| {
            tokio::spawn(async { tokio::time::sleep(Duration::from_millis(300)).await })
        });
        let cancel = async {
            tokio::time::sleep(Duration::from_millis(600)).await;
            cancelling.phone_cancel.notify_waiters();
        };
        let (events, ()) = tokio::join!(events, cancel);
        let PhoneEvent::PassIssued { pass, .. } = &events[0] else {
            panic!("{events:?}")
        };
        assert_ne!(Value::from(pass.as_str()), held);
        assert!(events.iter().any(|e| matches!(e, PhoneEvent::PassDeleted)));
        assert!(
            matches!(
                events.last(),
                Some(PhoneEvent::Done(PhoneDone::Cancelled {
                    pass_deleted: true
                }))
            ),
            "{events:?}"
        );
        let after = sim_user(&state, 1).await;
        assert_eq!(after["hasTemporaryAccessPass"], false, "{after}");
        assert!(state
            .station
            .journal
            .find_inventory(upn)
            .unwrap()
            .is_empty());
    })
    .await
    .expect("the phone hand-out finished within a minute");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tap_policy_s_refusal_is_shown_with_its_line_and_no_pass_is_issued() {
    tokio::time::timeout(Duration::from_secs(60), async {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::start_demo(dir.path()).await.unwrap();
        let upn = sim_user(&state, 2).await["upn"]
            .as_str()
            .unwrap()
            .to_owned();
        let too_short = PhoneRequest {
            lifetime_minutes: Some(15),
            ..request(&upn, false)
        };
        let events = run(&state, too_short, |_| tokio::spawn(async {})).await;
        let [PhoneEvent::Failed(error)] = events.as_slice() else {
            panic!("{events:?}")
        };
        assert!(error.message.contains("60 to 480"), "{}", error.message);

        let base = state.demo.as_ref().unwrap().sim.base_url();
        let off = reqwest::Client::new()
            .post(format!("{base}/_sim/tapPolicy"))
            .json(&json!({"enabled": false}))
            .send()
            .await
            .unwrap();
        assert!(off.status().is_success());
        let events = run(&state, request(&upn, false), |_| tokio::spawn(async {})).await;
        let [PhoneEvent::Failed(error)] = events.as_slice() else {
            panic!("{events:?}")
        };
        assert!(
            error
                .message
                .contains("Temporary Access Pass method is disabled"),
            "{}",
            error.message
        );
        let held = sim_user(&state, 2).await;
        assert_eq!(held["hasTemporaryAccessPass"], false, "{held}");
    })
    .await
    .expect("the refusals came within a minute");
}
