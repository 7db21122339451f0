//! keydesk-sim: a simulated Entra ID tenant over real HTTP, for tests and demos.
//!
//! It answers the client-credentials token endpoint and the Graph calls KeyDesk makes
//! (groups, transitive members, users, FIDO2 creationOptions and registration) on
//! 127.0.0.1, under both `/v1.0` and `/beta`. Registrations are judged with
//! webauthn-rs-core; the simulator shares no parsing or encoding code with the client it
//! judges.
//!
//! It is not Entra: no delegated flows, no certificate credentials, no policy enforcement,
//! no throttling. `/_sim/state` and `/_sim/clock` exist for tests.

mod b64;
mod clock;
mod config;
mod directory;
mod error;
mod layer;
mod options;
mod query;
mod routes;
mod seed;
mod tenant;
mod verify;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::SimConfig;

/// A running simulated tenant. Dropping it aborts the server.
#[derive(Debug)]
pub struct Sim {
    config: SimConfig,
    port: u16,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Sim {
    /// Seeds the tenant and starts serving on 127.0.0.1.
    pub async fn start(config: SimConfig) -> std::io::Result<Sim> {
        let listener =
            tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, config.port)))
                .await?;
        let port = listener.local_addr()?.port();
        let mut config = config;
        config.port = port;
        let tenant = Arc::new(tenant::Tenant::new(config.clone()));
        let app = routes::app(tenant);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(error) = served {
                tracing::error!(%error, "simulated tenant stopped with an error");
            }
        });
        tracing::info!(port, tenant = %config.tenant, "simulated tenant listening");
        Ok(Sim {
            config,
            port,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:<port>`: both the login authority and the Graph base.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The configuration, with `port` set to the port actually bound.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// Stops accepting connections and waits for in-flight requests to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
