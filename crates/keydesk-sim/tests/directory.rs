//! Seeded directory: nested groups, ineligible members, scale; Temporary Access Passes.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::{message, within, Api};
use keydesk_sim::SimConfig;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn group_id(api: &Api, name: &str) -> String {
    let (_, groups) = api
        .get(&format!("/v1.0/groups?$filter=displayName eq '{name}'"))
        .await;
    groups["value"][0]["id"].as_str().unwrap().to_owned()
}

async fn all_users(api: &Api, group: &str) -> (Vec<Value>, usize) {
    let mut url = api.url(&format!(
        "/v1.0/groups/{group}/transitiveMembers/microsoft.graph.user?$select=id,userPrincipalName,accountEnabled,userType&$top=999"
    ));
    let mut users = Vec::new();
    let mut pages = 0;
    loop {
        let (status, page) = api.get_url(&url).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        pages += 1;
        users.extend(page["value"].as_array().unwrap().iter().cloned());
        match page["@odata.nextLink"].as_str() {
            Some(next) => url = next.to_owned(),
            None => return (users, pages),
        }
    }
}

#[tokio::test]
async fn nested_groups_flatten_to_exactly_the_right_users() {
    within(async {
        let api = Api::start(SimConfig {
            users: 6,
            nested: Some(5),
            guests: 1,
            disabled: 2,
            ..SimConfig::default()
        })
        .await;
        let id = group_id(&api, "FIDO Provisioning").await;
        let (users, _) = all_users(&api, &id).await;
        let ids: HashSet<&str> = users.iter().map(|u| u["id"].as_str().unwrap()).collect();
        assert_eq!(users.len(), 6 + 5 + 1 + 2);
        assert_eq!(ids.len(), users.len(), "each user once");
        assert_eq!(users.iter().filter(|u| u["userType"] == "Guest").count(), 1);
        assert_eq!(
            users
                .iter()
                .filter(|u| u["accountEnabled"] == false)
                .count(),
            2
        );
        assert!(!users.iter().any(|u| u["userPrincipalName"]
            .as_str()
            .unwrap()
            .starts_with("keydesk.admin@")));

        // Two levels: the Pilot group holds a group of its own.
        let pilot = group_id(&api, "FIDO Provisioning - Pilot").await;
        let (_, members) = api.get(&format!("/v1.0/groups/{pilot}/members")).await;
        let kinds: Vec<&str> = members["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["@odata.type"].as_str().unwrap())
            .collect();
        assert!(kinds.contains(&"#microsoft.graph.group"), "{kinds:?}");
        let (pilot_users, _) = all_users(&api, &pilot).await;
        assert_eq!(
            pilot_users.len(),
            3 + 1 + 2,
            "3 own + 1 shared + Wave 2's 2"
        );
        let wave2 = group_id(&api, "FIDO Provisioning - Pilot Wave 2").await;
        assert_eq!(all_users(&api, &wave2).await.0.len(), 2);
        // Users outside the group exist.
        let state = api.state().await;
        assert!(state["users"].as_array().unwrap().len() > users.len());
    })
    .await;
}

#[tokio::test]
async fn ten_thousand_users_seed_quickly_and_page_completely() {
    within(async {
        let started = Instant::now();
        let api = Api::start(SimConfig {
            users: 9_000,
            nested: Some(1_000),
            seed: 42,
            ..SimConfig::default()
        })
        .await;
        let seeded = started.elapsed();
        assert!(seeded < Duration::from_secs(3), "seeding took {seeded:?}");
        let id = group_id(&api, "FIDO Provisioning").await;
        let (users, pages) = all_users(&api, &id).await;
        assert_eq!(users.len(), 10_000);
        assert_eq!(pages, 11, "999 per page");
        let ids: HashSet<&str> = users.iter().map(|u| u["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), 10_000);
        // Same seed, same tenant.
        let again = keydesk_sim::Sim::start(SimConfig {
            users: 9_000,
            nested: Some(1_000),
            seed: 42,
            ..SimConfig::default()
        })
        .await
        .unwrap();
        let state: Value = reqwest::get(format!("{}/_sim/state", again.base_url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            state["users"][9_999]["id"],
            api.state().await["users"][9_999]["id"]
        );
    })
    .await;
}

#[tokio::test]
async fn temporary_access_pass_once_per_user_within_lifetime_bounds() {
    within(async {
        let api = Api::start(SimConfig {
            disabled: 1,
            ..SimConfig::default()
        })
        .await;
        let (user, other) = api.two_members().await;
        let path = |u: &str| format!("/v1.0/users/{u}/authentication/temporaryAccessPassMethods");
        for bad in [
            json!({"lifetimeInMinutes": 9}),
            json!({"lifetimeInMinutes": 43201}),
            json!({"isUsableOnce": "yes"}),
        ] {
            let (status, body) = api.post(&path(&user), &bad).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        }
        let (status, body) = api
            .post(
                &path(&user),
                &json!({"lifetimeInMinutes": 480, "isUsableOnce": true}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["lifetimeInMinutes"], 480);
        assert_eq!(body["isUsableOnce"], true);
        assert_eq!(body["isUsable"], true);
        assert!(body["temporaryAccessPass"].as_str().unwrap().len() >= 8);
        // A second pass replaces the first (Graph does not refuse it).
        let (status, second) = api.post(&path(&user), &json!({})).await;
        assert_eq!(status, StatusCode::CREATED, "{second}");
        assert_ne!(second["id"], body["id"]);

        let (status, body) = api
            .post(
                &path(&other),
                &json!({"startDateTime": "2099-01-01T00:00:00Z"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["isUsable"], false);
        assert_eq!(body["lifetimeInMinutes"], 60);

        let state = api.state().await;
        let disabled = state["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["accountEnabled"] == false)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let (status, body) = api.post(&path(&disabled), &json!({})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(message(&body).contains("disabled"));
    })
    .await;
}

#[tokio::test]
async fn member_listings_with_and_without_cast_and_nesting() {
    within(async {
        let api = Api::start(SimConfig {
            users: 4,
            nested: Some(4),
            ..SimConfig::default()
        })
        .await;
        let id = group_id(&api, "FIDO Provisioning").await;
        let kinds = |body: &Value| -> Vec<String> {
            body["value"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["@odata.type"].as_str().unwrap_or("none").to_owned())
                .collect()
        };
        let count =
            |kinds: &[String], kind: &str| kinds.iter().filter(|k| k.ends_with(kind)).count();
        let (_, direct) = api.get(&format!("/v1.0/groups/{id}/members")).await;
        let direct = kinds(&direct);
        assert_eq!(count(&direct, ".user"), 4);
        assert_eq!(count(&direct, ".group"), 1);
        assert_eq!(count(&direct, ".device"), 1);
        assert_eq!(count(&direct, ".servicePrincipal"), 1);
        let (_, all) = api
            .get(&format!("/v1.0/groups/{id}/transitiveMembers"))
            .await;
        let all = kinds(&all);
        assert_eq!(count(&all, ".user"), 8, "{all:?}");
        assert_eq!(count(&all, ".group"), 2, "Pilot and Wave 2");
        let (_, cast) = api
            .get(&format!(
                "/v1.0/groups/{id}/members/microsoft.graph.user?$select=id"
            ))
            .await;
        let cast = cast["value"].as_array().unwrap();
        assert_eq!(cast.len(), 4);
        assert!(cast.iter().all(|u| u.get("@odata.type").is_none()));
        let (status, body) = api
            .get(&format!(
                "/v1.0/groups/{id}/transitiveMembers/microsoft.graph.user?$top=1000"
            ))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(message(&body).contains("page size"), "{body}");
        let response = api
            .http
            .get(api.url(&format!("/v1.0/groups/{id}/transitiveMembers?$top=3")))
            .bearer_auth(&api.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["x-ms-resource-unit"], "5");
        let (_, paged) = common::read(response).await;
        assert_eq!(paged["value"].as_array().unwrap().len(), 3);
        assert!(paged["@odata.nextLink"].is_string());
    })
    .await;
}
