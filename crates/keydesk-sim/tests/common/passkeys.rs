//! Passkey helpers over real HTTP: register a fresh credential, read a user's passkeys
//! through Graph and through `/_sim/state`, delete one, set the fault knobs.

use reqwest::StatusCode;
use serde_json::Value;

use super::credential::Maker;
use super::{read, Api};

/// `/{version}/users/{user}/authentication/fido2Methods`.
pub fn fido2_path(user: &str) -> String {
    format!("/v1.0/users/{user}/authentication/fido2Methods")
}

impl Api {
    /// Fetches creationOptions for `user` and registers a fresh credential with them;
    /// returns the credential's maker and the POST's status and body.
    pub async fn register_new(&self, user: &str) -> (Maker, StatusCode, Value) {
        let (status, options) = self
            .get(&format!("{}/creationOptions", fido2_path(user)))
            .await;
        assert_eq!(status, StatusCode::OK, "{options}");
        let maker = Maker::new();
        let body = maker.body(options["publicKey"]["challenge"].as_str().unwrap());
        let (status, method) = self.post(&fido2_path(user), &body).await;
        (maker, status, method)
    }

    /// The ids `GET .../fido2Methods` lists for `user`.
    pub async fn listed_ids(&self, user: &str) -> Vec<String> {
        let (status, list) = self.get(&fido2_path(user)).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        list["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_owned())
            .collect()
    }

    /// `users[].passkeys` of `user` in `/_sim/state`: every stored passkey.
    pub async fn stored_passkeys(&self, user: &str) -> Vec<Value> {
        let state = self.state().await;
        let stored = state["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == user)
            .unwrap()
            .clone();
        assert_eq!(
            stored["passkeyCount"],
            stored["passkeys"].as_array().unwrap().len()
        );
        stored["passkeys"].as_array().unwrap().clone()
    }

    /// `DELETE .../fido2Methods/{id}`.
    pub async fn delete_method(&self, user: &str, id: &str) -> (StatusCode, Value) {
        let response = self
            .http
            .delete(self.url(&format!("{}/{id}", fido2_path(user))))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        read(response).await
    }

    /// `POST /_sim/faults`; returns the knobs the simulator echoes.
    pub async fn set_faults(&self, knobs: Value) -> Value {
        let response = self
            .http
            .post(self.url("/_sim/faults"))
            .json(&knobs)
            .send()
            .await
            .unwrap();
        let (status, body) = read(response).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }
}
