//! Every response carries a `Date` header from the simulated clock, so a client can compare
//! `createdDateTime` with the server's time even after a test moved the clock.

mod common;

use std::time::Duration;

use common::{within, Api};
use keydesk_sim::SimConfig;
use reqwest::header::DATE;
use reqwest::{Response, StatusCode};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

/// The `Date` header, read as RFC 7231 IMF-fixdate.
fn date(response: &Response) -> OffsetDateTime {
    let text = response.headers()[DATE].to_str().unwrap();
    let format = format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    PrimitiveDateTime::parse(text, format)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .assume_utc()
}

fn near(at: OffsetDateTime, expected: OffsetDateTime) {
    let gap = (at - expected).abs();
    assert!(gap <= time::Duration::seconds(5), "{at} vs {expected}");
}

async fn get(api: &Api, path: &str) -> Response {
    api.http
        .get(api.url(path))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_date_header_follows_the_simulated_clock() {
    within(async {
        let api = Api::start(SimConfig::default()).await;
        let response = get(&api, "/v1.0/groups").await;
        assert_eq!(response.status(), StatusCode::OK);
        near(date(&response), OffsetDateTime::now_utc());

        let ten_days = Duration::from_secs(10 * 24 * 3600);
        api.advance_clock(ten_days.as_secs()).await;
        let ahead = OffsetDateTime::now_utc() + ten_days;
        for path in [
            "/v1.0/groups",
            "/beta/nothing/here",
            "/_sim/state",
            "/nowhere",
        ] {
            let response = get(&api, path).await;
            near(date(&response), ahead);
        }
        let token = common::request_token(&api.http, &api.sim, "keydesk-demo-secret").await;
        assert_eq!(token.status(), StatusCode::OK);
        near(date(&token), ahead);
        let refused = common::request_token(&api.http, &api.sim, "wrong").await;
        assert!(refused.status().is_client_error());
        near(date(&refused), ahead);
    })
    .await;
}

#[tokio::test]
async fn created_date_time_and_the_date_header_share_a_clock() {
    within(async {
        let api = Api::start(SimConfig::default()).await;
        let (user, _) = api.two_members().await;
        api.advance_clock(50 * 60).await; // within the token's hour
        let (_, status, method) = api.register_new(&user).await;
        assert_eq!(status, StatusCode::CREATED, "{method}");
        let created =
            OffsetDateTime::parse(method["createdDateTime"].as_str().unwrap(), &Rfc3339).unwrap();
        let response = get(
            &api,
            &format!("/v1.0/users/{user}/authentication/fido2Methods"),
        )
        .await;
        let server = date(&response);
        assert!(created <= server, "{created} after {server}");
        assert!(server - created <= time::Duration::seconds(5));
        near(
            server,
            OffsetDateTime::now_utc() + Duration::from_secs(50 * 60),
        );
    })
    .await;
}
