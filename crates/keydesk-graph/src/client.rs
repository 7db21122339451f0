//! [`GraphClient`]: one shared HTTP client and token cache behind a cheap `Clone`.
//!
//! The calls themselves live next to their types ([`crate::api::groups`], [`crate::api::users`],
//! [`crate::api::fido2`]); this module builds the client, signs in and follows paged results.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use url::Url;

use crate::http::{Call, Reply, Transport};
use crate::retry::{Sleeper, TokioSleeper};
use tokio::sync::Semaphore;

use crate::signin::token::TokenSource;
use crate::wire::Page;
use crate::{ApiVersion, Credentials, GraphConfig, GraphError, Operation};

/// Connect timeout cap; the overall per-call limit is [`GraphConfig::timeout`].
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// A guard against servers that page forever.
const MAX_PAGES: usize = 10_000;

/// A Microsoft Graph client for one tenant and app registration. Cloning is cheap and
/// clones share connections and the token cache.
#[derive(Clone)]
pub struct GraphClient {
    inner: Arc<Inner>,
}

struct Inner {
    config: GraphConfig,
    transport: Transport,
}

impl GraphClient {
    /// A client that waits with tokio's timer between retries.
    pub fn new(config: GraphConfig, credentials: Credentials) -> Result<Self, GraphError> {
        Self::with_sleeper(config, credentials, Arc::new(TokioSleeper))
    }

    /// A client that waits between retries through `sleeper` (tests count the waits).
    pub fn with_sleeper(
        config: GraphConfig,
        credentials: Credentials,
        sleeper: Arc<dyn Sleeper>,
    ) -> Result<Self, GraphError> {
        config.validate()?;
        if credentials.is_empty() {
            return Err(GraphError::InvalidInput(
                "the client secret is empty".into(),
            ));
        }
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(CONNECT_TIMEOUT))
            .user_agent(concat!("KeyDesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| GraphError::Network(format!("cannot set up HTTP: {e}")))?;
        let tokens = TokenSource::new(&config, credentials, sleeper.clone());
        Ok(GraphClient {
            inner: Arc::new(Inner {
                transport: Transport {
                    http,
                    tokens,
                    sleeper,
                    limit: Semaphore::new(config.max_concurrency.min(Semaphore::MAX_PERMITS)),
                    max_attempts: config.max_attempts,
                },
                config,
            }),
        })
    }

    /// The settings this client was built with.
    pub fn config(&self) -> &GraphConfig {
        &self.inner.config
    }

    /// Gets a new token now, which checks tenant, client id and credentials. Delegated
    /// sign-in reuses a saved refresh token and opens the interactive flow only without one.
    pub async fn sign_in(&self) -> Result<(), GraphError> {
        let transport = &self.inner.transport;
        transport.tokens.clear().await;
        transport.tokens.get(&transport.http, None).await.map(drop)
    }

    /// Forgets every token, and removes the refresh token and a stored client secret from
    /// the secret store. The next call signs in from scratch.
    pub async fn sign_out(&self) -> Result<(), GraphError> {
        self.inner.transport.tokens.sign_out().await
    }

    /// The credentials this client signs in with.
    pub fn credentials(&self) -> &Credentials {
        self.inner.transport.tokens.credentials()
    }

    /// Refuses FIDO2 provisioning in clouds that lack it, before anything is sent.
    pub(crate) fn ensure_provisioning(&self) -> Result<(), GraphError> {
        let cloud = self.inner.config.cloud;
        if cloud.supports_provisioning() {
            Ok(())
        } else {
            Err(GraphError::NotInCloud {
                feature: "passkey provisioning (creation options and registration)",
                cloud,
            })
        }
    }

    /// Waits through the client's sleeper.
    pub(crate) async fn pause(&self, duration: Duration) {
        self.inner.transport.sleeper.sleep(duration).await
    }

    pub(crate) fn url(&self, version: ApiVersion, segments: &[&str]) -> Url {
        self.inner.config.graph(version, segments)
    }

    pub(crate) async fn send(&self, call: Call) -> Result<Reply, GraphError> {
        self.inner.transport.send(call).await
    }

    /// GETs `first` and every `@odata.nextLink` after it, collecting `value`.
    pub(crate) async fn get_all<T: DeserializeOwned>(
        &self,
        operation: Operation,
        template: &'static str,
        first: Url,
        eventual: bool,
    ) -> Result<Vec<T>, GraphError> {
        Ok(self
            .get_all_dated(operation, template, first, eventual)
            .await?
            .0)
    }

    /// [`Self::get_all`], with Graph's clock at the last page (its `Date` header).
    pub(crate) async fn get_all_dated<T: DeserializeOwned>(
        &self,
        operation: Operation,
        template: &'static str,
        first: Url,
        eventual: bool,
    ) -> Result<(Vec<T>, Option<i64>), GraphError> {
        let mut date = None;
        let mut items = Vec::new();
        let mut seen = HashSet::new();
        let mut next = Some(first);
        while let Some(url) = next.take() {
            if !seen.insert(url.to_string()) || seen.len() > MAX_PAGES {
                return Err(GraphError::Malformed {
                    what: "@odata.nextLink".into(),
                    detail: "the pages do not end".into(),
                    request_id: None,
                });
            }
            let mut call = Call::get(operation, template, url);
            call.eventual = eventual;
            let reply = self.send(call).await?;
            date = reply.date.or(date);
            let page: Page<T> = reply.json(&format!("page of {template}"))?;
            items.extend(page.value);
            if let Some(link) = page.next_link {
                next = Some(self.check_next_link(&link, &reply)?);
            }
        }
        Ok((items, date))
    }

    /// A next link must stay on the configured Graph host: the token goes with it.
    fn check_next_link(&self, link: &str, reply: &Reply) -> Result<Url, GraphError> {
        let malformed = |detail: &str| GraphError::Malformed {
            what: "@odata.nextLink".into(),
            detail: detail.into(),
            request_id: reply.request_id.clone(),
        };
        let url = Url::parse(link).map_err(|_| malformed("not an absolute URL"))?;
        if url.origin() != self.inner.config.graph_url.origin() {
            return Err(malformed("points away from the configured Graph host"));
        }
        Ok(url)
    }
}

impl fmt::Debug for GraphClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphClient")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}
