//! Demo mode: a simulated tenant on loopback and a rack of simulated keys.
//!
//! Built only with the `demo` cargo feature (`make demo` and the WebDriver test turn it
//! on; `make build` leaves it out). Without it [`Demo`] is an empty enum: the demo commands
//! still exist in the IPC contract but no value reaches them, and `--demo` is refused in
//! `main` before the window opens.

/// Whether this build has demo mode, for `--version` and `--demo`.
pub const BUILT_IN: bool = cfg!(feature = "demo");

/// What `--demo` answers in a build without demo mode.
#[cfg(not(feature = "demo"))]
pub const NOT_BUILT_IN: &str = "demo mode is not in this build of KeyDesk (it was built \
    without the `demo` feature); build it with `cargo build -p keydesk --features demo` or \
    run `make demo`";

#[cfg(feature = "demo")]
pub use built_in::Demo;
#[cfg(not(feature = "demo"))]
pub use left_out::Demo;

#[cfg(not(feature = "demo"))]
mod left_out {
    /// Without the `demo` feature there is no demo: no value of this type exists.
    pub enum Demo {}

    impl Demo {
        /// The next demo key (never called: no `Demo` exists in this build).
        pub fn next_key(&self) -> keydesk_fido::soft::SoftKeyConfig {
            match *self {}
        }

        /// Plays the phone (never called: no `Demo` exists in this build).
        pub async fn play_phone(&self, _user_id: &str) -> Result<(), String> {
            match *self {}
        }
    }
}

#[cfg(feature = "demo")]
mod built_in {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    use keydesk_fido::rack::SoftRack;
    use keydesk_fido::soft::{SoftKeyConfig, TouchMode};
    use keydesk_graph::{ApiVersion, Credentials, GraphClient, GraphConfig, Secret};
    use keydesk_sim::{Sim, SimConfig};

    /// What demo mode runs beside the window.
    pub struct Demo {
        /// The simulated tenant (kept alive for the app's lifetime).
        pub sim: Sim,
        rack: Arc<SoftRack>,
        plugged: AtomicU32,
    }

    impl Demo {
        /// The simulated keys.
        pub fn rack(&self) -> &Arc<SoftRack> {
            &self.rack
        }

        /// Starts the simulated tenant and returns it with a Graph client signed in to it.
        pub async fn start() -> Result<(Demo, GraphClient), String> {
            let sim = Sim::start(SimConfig::default())
                .await
                .map_err(|e| format!("cannot start the simulated tenant: {e}"))?;
            let c = sim.config();
            let url = sim
                .base_url()
                .parse()
                .map_err(|e| format!("simulator URL: {e}"))?;
            let mut config = GraphConfig::global(c.tenant.clone(), c.client_id.clone());
            config.login_url = url;
            config.graph_url = config.login_url.clone();
            config.api = ApiVersion::V1;
            let credentials = Credentials::ClientSecret(Secret::new(c.client_secret.clone()));
            let graph = GraphClient::new(config, credentials).map_err(|e| e.to_string())?;
            graph.sign_in().await.map_err(|e| e.to_string())?;
            plant_existing_passkey(&sim, &graph).await?;
            tracing::info!(url = %sim.base_url(), "demo: simulated tenant running");
            let demo = Demo {
                sim,
                rack: Arc::new(SoftRack::new()),
                plugged: AtomicU32::new(0),
            };
            Ok((demo, graph))
        }

        /// The next demo key: it waits for the panel's Touch button.
        pub fn next_key(&self) -> SoftKeyConfig {
            let n = self.plugged.fetch_add(1, Ordering::Relaxed) + 1;
            let mut config = SoftKeyConfig::with_serial(format!("DEMO{:04}", 1000 + n));
            config.touch = TouchMode::Manual;
            config
        }

        /// The technician's phone: signs in to Authenticator with the pass the user holds
        /// (read from the simulator's state, as a person reads it off the screen) and
        /// creates the passkey (`POST /_sim/phone`, iOS).
        pub async fn play_phone(&self, user_id: &str) -> Result<(), String> {
            let base = self.sim.base_url();
            let client = reqwest::Client::new();
            let state: serde_json::Value = client
                .get(format!("{base}/_sim/state"))
                .send()
                .await
                .map_err(|e| e.to_string())?
                .json()
                .await
                .map_err(|e| e.to_string())?;
            let user = state["users"]
                .as_array()
                .and_then(|users| users.iter().find(|u| u["id"] == user_id))
                .ok_or("the simulated tenant has no such user")?;
            let pass = user["temporaryAccessPass"]["pass"]
                .as_str()
                .ok_or("the user holds no Temporary Access Pass")?;
            let answer = client
                .post(format!("{base}/_sim/phone"))
                .json(&serde_json::json!({"user": user_id, "pass": pass, "platform": "ios"}))
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if answer.status().is_success() {
                Ok(())
            } else {
                Err(answer.text().await.unwrap_or_default())
            }
        }
    }

    /// The demo group's second user already holds a passkey from before (a YubiKey 5 NFC
    /// named "Key from the pilot"), so the user panel's list of existing passkeys, its *Delete*
    /// and the keep-or-delete choice before provisioning have something to show.
    async fn plant_existing_passkey(sim: &Sim, graph: &GraphClient) -> Result<(), String> {
        let group = graph
            .find_group(&sim.config().group)
            .await
            .map_err(|e| e.to_string())?;
        let users = graph
            .group_users(&group.id)
            .await
            .map_err(|e| e.to_string())?;
        let Some(user) = users.get(1) else {
            return Ok(());
        };
        reqwest::Client::new()
            .post(format!("{}/_sim/passkeys", sim.base_url()))
            .timeout(std::time::Duration::from_secs(10))
            .json(&serde_json::json!({
                "user": user.id,
                "credentialIdHex": "6b657964656d6f",
                "displayName": "Key from the pilot",
                "aaguid": "fa2b99dc-9e39-4257-8f92-4a30d23c4118",
            }))
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| format!("cannot seed the demo's existing passkey: {e}"))?;
        Ok(())
    }
}
