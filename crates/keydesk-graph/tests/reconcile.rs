//! A register POST whose answer is lost, against a scripted Graph whose method ids are
//! opaque: the passkey is recognised by what was known before the POST, never by assuming
//! its id spells the credential id, and an undecidable listing is reported, not retried.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use keydesk_graph::{GraphError, GraphErrorKind};
use serde_json::{json, Value};

fn listed(id: &str, name: &str) -> Value {
    json!({"id": id, "displayName": name, "createdDateTime": "2026-11-29T09:00:00Z",
           "aaGuid": "cb69481e-8ff7-4039-93ec-0a2729a154a8", "model": "YubiKey 5"})
}

const OURS: &str = "YubiKey 5 NFC 31245678";

#[tokio::test]
async fn a_lost_register_with_an_opaque_method_id_is_found_and_not_sent_again() {
    within(async {
        let server = Server::start(vec![
            error(503, "serviceUnavailable"),
            answer(
                200,
                json!({"value": [listed("7d1c0c5e-2a51-4f0b-9d0e-3b8f1a2c4e61", OURS)]}),
            ),
        ])
        .await;
        let passkey = server
            .client(Arc::default())
            .register_passkey("u1", &registration(), &attempt())
            .await
            .unwrap();
        assert_eq!(passkey.id, "7d1c0c5e-2a51-4f0b-9d0e-3b8f1a2c4e61");
        let methods: Vec<_> = server.seen().into_iter().map(|s| s.method).collect();
        assert_eq!(methods, ["POST", "GET"]);
    })
    .await
}

#[tokio::test]
async fn two_candidates_are_reported_after_a_bounded_wait_and_never_registered_again() {
    within(async {
        let tie = json!({"value": [listed("OPAQUEaaaa1", OURS), listed("OPAQUEbbbb2", OURS)]});
        let mut script = vec![error(503, "serviceUnavailable")];
        script.extend(std::iter::repeat_n(answer(200, tie), 12));
        let server = Server::start(script).await;
        let sleeper = Arc::new(Recorder::default());
        let error = server
            .client(sleeper.clone())
            .register_passkey("u1", &registration(), &attempt())
            .await
            .unwrap_err();
        let GraphError::RegistrationUnsure { candidates, .. } = &error else {
            panic!("{error:?}");
        };
        let ids: Vec<_> = candidates.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["OPAQUEaaaa1", "OPAQUEbbbb2"]);
        assert_eq!(error.kind(), GraphErrorKind::Unsure);
        assert!(
            error.remediation().contains("OPAQUEaaaa1"),
            "{}",
            error.remediation()
        );
        let posts = server.seen().iter().filter(|s| s.method == "POST").count();
        assert_eq!(posts, 1, "never sent again while unsure");
        let waited: Duration = sleeper.waits().iter().sum();
        assert!(waited > Duration::from_secs(30), "{waited:?}");
        assert!(waited < Duration::from_secs(90), "{waited:?}");
    })
    .await
}

#[tokio::test]
async fn a_passkey_the_user_had_before_with_the_same_name_is_not_taken_for_the_new_one() {
    within(async {
        // The user already holds a key of the same model and name; the POST never landed.
        let before = json!({"value": [listed("EARLIER0000", OURS)]});
        let server = Server::start(vec![
            answer(200, before.clone()),
            error(503, "serviceUnavailable"),
            answer(200, before),
            answer(201, listed("NEWONE00001", OURS)),
        ])
        .await;
        let graph = server.client(Arc::default());
        let mut attempt = keydesk_graph::Attempt::new(
            &graph.passkey_listing("u1").await.unwrap(),
            &registration(),
            Some("cb69481e-8ff7-4039-93ec-0a2729a154a8"),
        );
        // The listing lag has passed since (as after a restart an hour later).
        attempt.graph_time = attempt.graph_time.map(|t| t - 3600);
        let passkey = graph
            .register_passkey("u1", &registration(), &attempt)
            .await
            .unwrap();
        assert_eq!(passkey.id, "NEWONE00001");
        let methods: Vec<_> = server.seen().into_iter().map(|s| s.method).collect();
        assert_eq!(methods, ["GET", "POST", "GET", "POST"]);
    })
    .await
}

#[tokio::test]
async fn the_listing_carries_graphs_clock() {
    within(async {
        let mut page = answer(200, json!({"value": []}));
        page.headers
            .push(("date", "Sun, 29 Nov 2026 09:00:00 GMT".into()));
        let server = Server::start(vec![page]).await;
        let listing = server
            .client(Arc::default())
            .passkey_listing("u1")
            .await
            .unwrap();
        assert_eq!(listing.graph_time, Some(1_795_942_800));
    })
    .await
}

#[tokio::test]
async fn a_second_post_whose_answer_is_lost_is_looked_for_from_its_own_time_not_the_first_ones() {
    within(async {
        // The first POST surely did not land (the listing lag had long passed: an empty
        // listing is Absent). The second POST's answer is lost too: its passkey may be
        // hidden by the listing lag counted from *that* POST, so an empty listing right
        // after it proves nothing, and a third POST would reuse a spent challenge.
        let mut script = vec![
            error(503, "serviceUnavailable"),
            answer(200, json!({"value": []})),
            error(503, "serviceUnavailable"),
        ];
        script.extend(std::iter::repeat_n(answer(200, json!({"value": []})), 40));
        let server = Server::start(script).await;
        let error = server
            .client(Arc::new(Recorder::default()))
            .register_passkey("u1", &registration(), &attempt())
            .await
            .unwrap_err();
        let posts = server
            .seen()
            .into_iter()
            .filter(|s| s.method == "POST")
            .count();
        assert_eq!(
            posts, 2,
            "never a third POST while the second may still lag"
        );
        assert!(
            matches!(error, GraphError::RegistrationUnsure { .. }),
            "{error:?}"
        );
    })
    .await
}

#[tokio::test]
async fn a_refusal_of_a_post_sent_again_is_unsure_not_a_failure() {
    within(async {
        // The listing said the first POST had not landed, yet the second is refused as if
        // its challenge were spent: the first may have landed after all.
        let server = Server::start(vec![
            error(503, "serviceUnavailable"),
            answer(200, json!({"value": []})),
            error(400, "invalidRequest"),
        ])
        .await;
        let error = server
            .client(Arc::new(Recorder::default()))
            .register_passkey("u1", &registration(), &attempt())
            .await
            .unwrap_err();
        let GraphError::RegistrationUnsure { cause, .. } = &error else {
            panic!("{error:?}");
        };
        assert!(cause.to_string().contains("400"), "{cause}");
    })
    .await
}
