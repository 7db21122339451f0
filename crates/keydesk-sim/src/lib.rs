//! keydesk-sim: a simulated Entra ID tenant over real HTTP, for tests and demos.
//!
//! It answers the client-credentials token endpoint and the Graph calls KeyDesk makes
//! (groups, transitive members, users, FIDO2 creationOptions and registration) on
//! 127.0.0.1, under both `/v1.0` and `/beta`. Registrations are judged with
//! webauthn-rs-core; the simulator shares no parsing or encoding code with the client it
//! judges.
//!
//! Beyond that: app-only tokens by secret or certificate assertion, delegated sign-in
//! (authorization code + PKCE on a simulated sign-in page, device code, refresh tokens)
//! for a seeded operator, permissions and roles checked per call, group membership writes
//! (`POST /groups/{id}/members/$ref`, `DELETE /groups/{id}/members/{userId}/$ref`, into an
//! empty seeded `<group> - Provisioned` group), the FIDO2 method policy,
//! Temporary Access Passes, `GET /me`, and fault injection (latency, 429/503, lost
//! responses, dropped connections, malformed JSON, page caps, a delay before a new passkey
//! is listed). `/_sim/state`,
//! `/_sim/clock`, `/_sim/faults` and `/_sim/policy` exist for tests.
//!
//! Test controls (no authentication):
//! - `GET /_sim/state`: users with their passkeys (every stored one, with `visible` false
//!   while a listing delay hides it), `passkeyCount` and TAP flag; `passkeyCounts` (user id
//!   → number of passkeys); request and fault counters; the knobs, the policy and the
//!   method-id mode (`methodIds`) in force.
//! - `POST /_sim/clock` `{"advanceSeconds": N}`: moves the simulated time forward.
//! - `GET`/`POST /_sim/faults`: the [`Faults`] knobs as camelCase JSON; a POST replaces
//!   them all (absent = off) and restarts the "every k-th" counts.
//! - `POST /_sim/policy`: replaces the [`Fido2Policy`] (camelCase JSON).
//! - `GET /_sim/mds`, `GET /_sim/mds/root`, `GET /_sim/mds/crl`: a FIDO metadata BLOB
//!   listing the simulated keys' models, the test root (DER) it verifies to and the root's
//!   revocation list; `POST /_sim/mds/revoke-signer` revokes the BLOB's signer ([`mds`]).
//! - `GET`/`POST /devicelogin`: approves a device code as the operator.
//!
//! Every response carries a `Date` header from the simulated clock. New passkeys get
//! method ids shaped by [`MethodIds`] (opaque by default: unrelated to the credential id).
//!
//! Challenges are opaque blobs of several kilobytes and access tokens are JWT-shaped, as
//! Entra's are. It is not Entra: tokens are accepted by lookup (never verified), there is one app and one operator, no
//! conditional access, no MDS attestation chains, no per-tenant throttling budgets.

mod access_token;
mod assertion;
mod authdata;
mod b64;
mod challenge;
mod clock;
mod config;
mod directory;
mod error;
mod faults;
mod grants;
mod layer;
pub mod mds;
mod method_ids;
mod options;
mod perms;
mod policy;
mod query;
mod routes;
mod seed;
mod tap_policy;
mod tenant;
mod verify;
mod version;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{Faults, Fido2Policy, KeyRestrictions, MethodIds, SimConfig};
pub use perms::{Caller, AUTHENTICATION_ADMINISTRATOR};
pub use policy::{Enforcement, PasskeyProfile};

/// Reads a certificate file's bytes (PEM `CERTIFICATE` block or raw DER) into DER, for
/// [`SimConfig::client_certificate`].
pub fn certificate_der(bytes: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(bytes).ok();
    match text.and_then(|t| t.split_once("-----BEGIN CERTIFICATE-----")) {
        Some((_, rest)) => {
            let body = rest.split_once("-----END CERTIFICATE-----")?.0;
            let joined: String = body.split_whitespace().collect();
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .decode(joined)
                .ok()
        }
        None => (bytes.first() == Some(&0x30)).then(|| bytes.to_vec()),
    }
}

/// A running simulated tenant. Dropping it aborts the server.
#[derive(Debug)]
pub struct Sim {
    config: SimConfig,
    port: u16,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    mds: Arc<mds::SimMds>,
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
        let mds = Arc::new(
            mds::SimMds::generate(&format!("http://127.0.0.1:{port}"))
                .map_err(std::io::Error::other)?,
        );
        let app = routes::app(tenant).merge(mds.routes());
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
            mds,
        })
    }

    /// The simulator's metadata BLOB and its test root.
    pub fn mds(&self) -> &mds::SimMds {
        &self.mds
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
