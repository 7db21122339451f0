//! Groups, transitive members with paging, and users.

mod common;

use std::collections::HashSet;

use common::{message, within, Api};
use keydesk_sim::SimConfig;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn group_found_by_name_with_url_encoding_and_doubled_quotes() {
    within(async {
        let api = Api::start(SimConfig {
            group: "O'Brien Keys".to_owned(),
            ..SimConfig::default()
        })
        .await;
        let (status, body) = api
            .get("/v1.0/groups?$filter=displayName%20eq%20%27O%27%27Brien%20Keys%27")
            .await;
        assert_eq!(status, StatusCode::OK);
        let value = body["value"].as_array().unwrap();
        assert_eq!(value.len(), 1);
        assert_eq!(value[0]["displayName"], "O'Brien Keys");
        let id = value[0]["id"].as_str().unwrap();

        let (status, group) = api.get(&format!("/beta/groups/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(group["displayName"], "O'Brien Keys");

        let (_, none) = api
            .get("/v1.0/groups?$filter=displayName eq 'Nobody'")
            .await;
        assert_eq!(none["value"].as_array().unwrap().len(), 0);
        let (status, _) = api
            .get("/v1.0/groups?$filter=startswith(displayName,'O')")
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, body) = api
            .get("/v1.0/groups/6b1f0000-0000-4000-8000-000000000000")
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"]["code"], "Request_ResourceNotFound");
    })
    .await;
}

#[tokio::test]
async fn paging_returns_every_user_once_and_no_other_objects() {
    within(async {
        let api = Api::start(SimConfig {
            users: 25,
            guests: 2,
            disabled: 3,
            page_size: 7,
            ..SimConfig::default()
        })
        .await;
        let (_, groups) = api
            .get("/v1.0/groups?$filter=displayName eq 'FIDO Provisioning'")
            .await;
        let id = groups["value"][0]["id"].as_str().unwrap().to_owned();

        let mut url = api.url(&format!(
            "/v1.0/groups/{id}/transitiveMembers/microsoft.graph.user?$select=id,userPrincipalName,displayName,accountEnabled,userType,mail&$top=999"
        ));
        let mut seen = Vec::new();
        let mut pages = 0;
        loop {
            let (status, page) = api.get_url(&url).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            pages += 1;
            let value = page["value"].as_array().unwrap();
            assert!(value.len() <= 7);
            for user in value {
                for field in ["id", "userPrincipalName", "displayName", "accountEnabled", "userType", "mail"] {
                    assert!(!user[field].is_null(), "{field} missing in {user}");
                }
                seen.push(user.clone());
            }
            match page["@odata.nextLink"].as_str() {
                Some(next) => {
                    assert!(next.starts_with(&api.sim.base_url()), "{next}");
                    url = next.to_owned();
                }
                None => break,
            }
        }
        assert_eq!(pages, 5);
        assert_eq!(seen.len(), 30);
        let ids: HashSet<&str> = seen.iter().map(|u| u["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), 30, "no duplicates");
        assert_eq!(seen.iter().filter(|u| u["userType"] == "Guest").count(), 2);
        assert_eq!(seen.iter().filter(|u| u["accountEnabled"] == false).count(), 3);
        let guest = seen.iter().find(|u| u["userType"] == "Guest").unwrap();
        assert!(guest["userPrincipalName"].as_str().unwrap().contains("#EXT#@contoso.onmicrosoft.com"));

        // The group's direct members include a device, a service principal and a nested
        // group: none of them may appear in the cast result. `/members` is paged too.
        let mut members = Vec::new();
        let mut url = api.url(&format!("/v1.0/groups/{id}/members"));
        loop {
            let (_, page) = api.get_url(&url).await;
            members.extend(page["value"].as_array().unwrap().iter().cloned());
            match page["@odata.nextLink"].as_str() {
                Some(next) => url = next.to_owned(),
                None => break,
            }
        }
        let others: Vec<&Value> = members
            .iter()
            .filter(|m| m["@odata.type"] != "#microsoft.graph.user")
            .collect();
        let kinds: HashSet<&str> = others.iter().map(|m| m["@odata.type"].as_str().unwrap()).collect();
        assert!(kinds.contains("#microsoft.graph.device"));
        assert!(kinds.contains("#microsoft.graph.servicePrincipal"));
        assert!(kinds.contains("#microsoft.graph.group"));
        for other in others {
            assert!(!ids.contains(other["id"].as_str().unwrap()));
        }
    })
    .await;
}

#[tokio::test]
async fn users_by_id_and_upn_and_select() {
    within(async {
        let api = Api::start(SimConfig::default()).await;
        let (id, _) = api.two_members().await;
        let (status, user) = api.get(&format!("/v1.0/users/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        let upn = user["userPrincipalName"].as_str().unwrap().to_owned();
        assert!(upn.ends_with("@contoso.onmicrosoft.com"));
        let (status, by_upn) = api
            .get(&format!(
                "/v1.0/users/{}?$select=displayName,userType",
                upn.to_uppercase()
            ))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(by_upn["id"], id);
        assert_eq!(by_upn["userType"], "Member");
        assert!(by_upn.get("mail").is_none());
        let (status, body) = api.get(&format!("/v1.0/users/{id}?$select=shoeSize")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body["shoeSize"].is_null());
        let (status, body) = api
            .get(&format!("/v1.0/users/{id}?$select=id userPrincipalName"))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(message(&body).contains("id userPrincipalName"));
    })
    .await;
}

#[tokio::test]
async fn search_and_count_are_advanced_queries_that_need_consistency_level_eventual() {
    within(async {
        let api = Api::start(SimConfig::default()).await;
        for path in [
            "/v1.0/groups?$search=%22displayName:FIDO%22",
            "/v1.0/groups?$count=true",
        ] {
            let (status, body) = api.get(path).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
            assert_eq!(body["error"]["code"], "Request_UnsupportedQuery", "{path}");
            assert!(message(&body).contains("ConsistencyLevel"), "{body}");
        }
        let answer = api
            .http
            .get(api.url("/v1.0/groups?$search=%22displayName:fido%22&$count=true"))
            .bearer_auth(&api.token)
            .header("ConsistencyLevel", "eventual")
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
        let body: Value = answer.json().await.unwrap();
        let names: Vec<&str> = body["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["displayName"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"FIDO Provisioning"), "{names:?}");
        assert_eq!(body["@odata.count"], names.len());
        api.sim.shutdown().await;
    })
    .await
}
