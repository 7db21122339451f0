//! The listing delay: a new passkey is returned by its register POST at once, but list, get
//! and delete see it only once the simulated clock has passed its creation by the delay;
//! `/_sim/state` reports it all along.

mod common;

use common::passkeys::fido2_path;
use common::{within, Api};
use keydesk_sim::{Faults, SimConfig};
use reqwest::StatusCode;
use serde_json::json;

/// Asserts `id` is invisible to Graph reads for `user` (list, get, delete) yet stored.
async fn hidden(api: &Api, user: &str, id: &str) {
    assert!(!api.listed_ids(user).await.iter().any(|l| l == id), "{id}");
    let (status, body) = api.get(&format!("{}/{id}", fido2_path(user))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["error"]["code"], "Request_ResourceNotFound");
    let (status, _) = api.delete_method(user, id).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let stored = api.stored_passkeys(user).await;
    let mine = stored.iter().find(|p| p["id"] == id).expect("stored");
    assert_eq!(mine["visible"], false);
}

/// Asserts `id` is listed and readable for `user`.
async fn shown(api: &Api, user: &str, id: &str) {
    assert!(api.listed_ids(user).await.iter().any(|l| l == id), "{id}");
    let (status, body) = api.get(&format!("{}/{id}", fido2_path(user))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let stored = api.stored_passkeys(user).await;
    assert_eq!(
        stored.iter().find(|p| p["id"] == id).unwrap()["visible"],
        true
    );
}

#[tokio::test]
async fn a_delay_set_at_start_hides_a_new_passkey_until_the_clock_passes_it() {
    within(async {
        let api = Api::with_faults(Faults {
            listing_delay_ms: 60_000,
            ..Faults::default()
        })
        .await;
        let (user, _) = api.two_members().await;
        let (_, status, method) = api.register_new(&user).await;
        assert_eq!(status, StatusCode::CREATED, "the 201 returns it at once");
        let id = method["id"].as_str().unwrap();
        hidden(&api, &user, id).await;

        let state = api.state().await;
        assert_eq!(state["passkeyCounts"][&user], 1);
        assert_eq!(state["passkeyCounts"].as_object().unwrap().len(), 1);
        assert_eq!(state["counters"]["registrations"], 1);

        api.advance_clock(30).await;
        hidden(&api, &user, id).await;
        api.advance_clock(31).await;
        shown(&api, &user, id).await;
        assert_eq!(api.delete_method(&user, id).await.0, StatusCode::NO_CONTENT);
        let state = api.state().await;
        assert!(state["passkeyCounts"].as_object().unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn the_delay_is_a_fault_knob_and_applies_to_passkeys_registered_under_it() {
    within(async {
        let api = Api::start(SimConfig::default()).await;
        let (user, other) = api.two_members().await;
        let (_, status, method) = api.register_new(&user).await;
        assert_eq!(status, StatusCode::CREATED);
        let before = method["id"].as_str().unwrap().to_owned();
        shown(&api, &user, &before).await;

        let echoed = api.set_faults(json!({"listingDelayMs": 10_000})).await;
        assert_eq!(echoed["listingDelayMs"], 10_000);
        let knobs: serde_json::Value = api
            .http
            .get(api.url("/_sim/faults"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(knobs["listingDelayMs"], 10_000);
        shown(&api, &user, &before).await;
        let (_, status, method) = api.register_new(&user).await;
        assert_eq!(status, StatusCode::CREATED);
        let delayed = method["id"].as_str().unwrap().to_owned();
        hidden(&api, &user, &delayed).await;
        assert_eq!(api.listed_ids(&user).await, std::slice::from_ref(&before));
        assert_eq!(api.stored_passkeys(&user).await.len(), 2);

        // Turning the knob off does not reveal what was registered under it.
        api.set_faults(json!({})).await;
        hidden(&api, &user, &delayed).await;
        let (_, status, method) = api.register_new(&other).await;
        assert_eq!(status, StatusCode::CREATED);
        shown(&api, &other, method["id"].as_str().unwrap()).await;

        api.advance_clock(11).await;
        shown(&api, &user, &delayed).await;
        assert_eq!(api.listed_ids(&user).await, [before, delayed]);
    })
    .await;
}
