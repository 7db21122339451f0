//! Group membership writes: `POST /groups/{id}/members/$ref` and
//! `DELETE /groups/{id}/members/{userId}/$ref`, their refusals, their permission, and
//! that member listings follow them.

mod common;

use common::{message, within, Api};
use keydesk_sim::SimConfig;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn group_id(api: &Api, name: &str) -> String {
    let (status, body) = api
        .get(&format!("/v1.0/groups?$filter=displayName eq '{name}'"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["value"][0]["id"].as_str().unwrap().to_owned()
}

async fn member_ids(api: &Api, group: &str) -> Vec<String> {
    users_in(
        api,
        &format!("/v1.0/groups/{group}/transitiveMembers/microsoft.graph.user"),
    )
    .await
}

async fn direct_member_ids(api: &Api, group: &str) -> Vec<String> {
    users_in(
        api,
        &format!("/v1.0/groups/{group}/members/microsoft.graph.user"),
    )
    .await
}

async fn users_in(api: &Api, path: &str) -> Vec<String> {
    let (status, body) = api.get(&format!("{path}?$select=id")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect()
}

fn reference(api: &Api, user: &str) -> Value {
    json!({ "@odata.id": api.url(&format!("/v1.0/directoryObjects/{user}")) })
}

async fn delete(api: &Api, path: &str) -> (StatusCode, Value) {
    let response = api
        .http
        .delete(api.url(path))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    common::read(response).await
}

#[tokio::test]
async fn a_user_moves_between_groups_and_listings_follow() {
    within(async {
        let api = Api::start(SimConfig {
            users: 4,
            ..SimConfig::default()
        })
        .await;
        let queue = group_id(&api, "FIDO Provisioning").await;
        let done = group_id(&api, "FIDO Provisioning - Provisioned").await;
        assert!(member_ids(&api, &done).await.is_empty());
        let user = direct_member_ids(&api, &queue).await.pop().unwrap();

        let add = format!("/v1.0/groups/{done}/members/$ref");
        let (status, body) = api.post(&add, &reference(&api, &user)).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        assert_eq!(member_ids(&api, &done).await, [user.as_str()]);
        let (status, body) = api.post(&add, &reference(&api, &user)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            message(&body),
            "One or more added object references already exist for the following modified properties: 'members'."
        );

        let remove = format!("/v1.0/groups/{queue}/members/{user}/$ref");
        let (status, body) = delete(&api, &remove).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        assert!(!member_ids(&api, &queue).await.contains(&user));
        assert!(!direct_member_ids(&api, &queue).await.contains(&user));
        let (status, _) = delete(&api, &remove).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "no longer a member");

        let unknown = "6b1f0000-0000-4000-8000-000000000000";
        let (status, _) = api
            .post(&format!("/v1.0/groups/{unknown}/members/$ref"), &reference(&api, &user))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = api.post(&add, &reference(&api, unknown)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = api.post(&add, &json!({"id": user})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    })
    .await;
}

#[tokio::test]
async fn membership_writes_need_group_member_read_write() {
    within(async {
        let api = Api::start(SimConfig {
            users: 2,
            app_permissions: vec!["GroupMember.Read.All".into(), "User.Read.All".into()],
            ..SimConfig::default()
        })
        .await;
        let queue = group_id(&api, "FIDO Provisioning").await;
        let user = member_ids(&api, &queue).await.pop().unwrap();
        let (status, body) = api
            .post(
                &format!("/v1.0/groups/{queue}/members/$ref"),
                &reference(&api, &user),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(
            message(&body).contains("GroupMember.ReadWrite.All"),
            "{body}"
        );
        let (status, body) =
            delete(&api, &format!("/beta/groups/{queue}/members/{user}/$ref")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(
            message(&body).contains("GroupMember.ReadWrite.All"),
            "{body}"
        );
        assert!(member_ids(&api, &queue).await.contains(&user));
    })
    .await;
}

/// `POST /_sim/leave`: the user stops being a member directly and through the groups
/// nested in it (the seeded subgroups share members with the group), as a queue lists them.
#[tokio::test]
async fn a_user_who_leaves_through_the_sim_hook_is_no_longer_a_transitive_member() {
    within(async {
        let api = Api::start(SimConfig {
            users: 6,
            ..SimConfig::default()
        })
        .await;
        let queue = group_id(&api, "FIDO Provisioning").await;
        let direct = direct_member_ids(&api, &queue).await;
        assert!(!direct.is_empty());
        let leave = |user: String| {
            let body = json!({ "group": "FIDO Provisioning", "user": user });
            let api = &api;
            async move { api.post("/_sim/leave", &body).await.0 }
        };
        for user in &direct {
            assert_eq!(leave(user.clone()).await, StatusCode::NO_CONTENT);
        }
        let left = member_ids(&api, &queue).await;
        assert!(
            direct.iter().all(|u| !left.contains(u)),
            "still listed: {left:?}"
        );
        assert_eq!(leave(direct[0].clone()).await, StatusCode::NOT_FOUND);
        let unknown = "6b1f0000-0000-4000-8000-000000000000".to_owned();
        assert_eq!(leave(unknown).await, StatusCode::NOT_FOUND);
    })
    .await;
}
