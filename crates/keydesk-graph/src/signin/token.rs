//! Access tokens for every sign-in mode: fetched, cached, refreshed, forgotten.
//!
//! A token is reused until 5 minutes before it expires (half its lifetime when it lives
//! shorter than 10 minutes). Refreshes are serialised so concurrent calls share one token.
//! App-only modes (client secret, stored client secret, certificate) simply ask again;
//! delegated sign-in first redeems the refresh token (memory, then the [`SecretStore`]),
//! and only when that is refused runs the interactive flow (browser or device code). A
//! rotated refresh token replaces the stored one. Nothing here logs a token or a secret.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::Mutex;
use tokio::time::Instant;

use super::delegated::{self, Delegated, Flow};
use super::token_endpoint::{request_token, usable_for, Issued, Refused};
use crate::retry::Sleeper;
use crate::secret_store::{self, SecretKey, SecretStore};
use crate::{Credentials, GraphConfig, GraphError, Secret};

/// A bearer token and when to stop using it.
pub(crate) struct AccessToken {
    value: Secret,
    refresh_at: Instant,
}

impl AccessToken {
    /// The `Authorization` value, marked sensitive.
    pub(crate) fn header(&self) -> Result<reqwest::header::HeaderValue, GraphError> {
        crate::net::bearer(self.value.expose())
    }

    /// The token itself, for the hint decoder only.
    pub(crate) fn expose(&self) -> &str {
        self.value.expose()
    }
}

/// Fetches and caches tokens for one app registration and sign-in mode.
pub(crate) struct TokenSource {
    config: GraphConfig,
    credentials: Credentials,
    sleeper: Arc<dyn Sleeper>,
    cache: Mutex<Option<Arc<AccessToken>>>,
    refresh: Mutex<Option<Secret>>,
}

impl TokenSource {
    pub(crate) fn new(
        config: &GraphConfig,
        credentials: Credentials,
        sleeper: Arc<dyn Sleeper>,
    ) -> Self {
        TokenSource {
            config: config.clone(),
            credentials,
            sleeper,
            cache: Mutex::new(None),
            refresh: Mutex::new(None),
        }
    }

    pub(crate) fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// A valid token: the cached one unless it is stale or is `rejected` (Graph refused
    /// it), else a new one.
    pub(crate) async fn get(
        &self,
        http: &reqwest::Client,
        rejected: Option<&Arc<AccessToken>>,
    ) -> Result<Arc<AccessToken>, GraphError> {
        let mut cache = self.cache.lock().await;
        if let Some(token) = cache.as_ref() {
            let refused = rejected.is_some_and(|r| Arc::ptr_eq(r, token));
            if !refused && Instant::now() < token.refresh_at {
                return Ok(token.clone());
            }
        }
        *cache = None;
        let issued = self.fetch(http).await?;
        let token = Arc::new(AccessToken {
            value: issued.access,
            refresh_at: Instant::now() + usable_for(issued.lifetime),
        });
        *cache = Some(token.clone());
        Ok(token)
    }

    /// Drops the cached token if it is `rejected`, so the next call fetches a new one.
    pub(crate) async fn forget(&self, rejected: &Arc<AccessToken>) {
        let mut cache = self.cache.lock().await;
        if cache.as_ref().is_some_and(|t| Arc::ptr_eq(t, rejected)) {
            *cache = None;
        }
    }

    /// Drops any cached access token (a refresh token is kept).
    pub(crate) async fn clear(&self) {
        *self.cache.lock().await = None;
    }

    /// Forgets everything: cached tokens, the refresh token in memory and in the store,
    /// and a client secret kept in the store.
    pub(crate) async fn sign_out(&self) -> Result<(), GraphError> {
        *self.cache.lock().await = None;
        *self.refresh.lock().await = None;
        match &self.credentials {
            Credentials::Delegated(delegated) => {
                secret_store::delete(&delegated.store, &SecretKey::refresh_token(&self.config))
                    .await?
            }
            Credentials::StoredClientSecret(store) => {
                secret_store::delete(store, &SecretKey::client_secret(&self.config)).await?
            }
            _ => {}
        }
        Ok(())
    }

    async fn fetch(&self, http: &reqwest::Client) -> Result<Issued, GraphError> {
        let client_id = self.config.client_id.trim();
        let scope = self.config.default_scope();
        let url = self.config.token_url();
        let app_only = |extra: Vec<(&'static str, String)>| {
            let mut form = vec![
                ("grant_type", "client_credentials".to_owned()),
                ("client_id", client_id.to_owned()),
                ("scope", scope.clone()),
            ];
            form.extend(extra);
            form
        };
        let form = match &self.credentials {
            Credentials::ClientSecret(secret) => {
                app_only(vec![("client_secret", secret.expose().to_owned())])
            }
            Credentials::StoredClientSecret(store) => {
                let secret = stored_client_secret(store, &self.config).await?;
                app_only(vec![("client_secret", secret.expose().to_owned())])
            }
            Credentials::Certificate(certificate) => {
                let assertion = certificate.assertion(client_id, url.as_str(), now_unix())?;
                app_only(vec![
                    (
                        "client_assertion_type",
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".to_owned(),
                    ),
                    ("client_assertion", assertion),
                ])
            }
            Credentials::Delegated(delegated) => return self.delegated(http, delegated).await,
        };
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        request_token(http, &url, &form).await.map_err(|r| r.error)
    }

    async fn delegated(
        &self,
        http: &reqwest::Client,
        delegated: &Delegated,
    ) -> Result<Issued, GraphError> {
        let key = SecretKey::refresh_token(&self.config);
        let mut refresh = self.refresh.lock().await;
        if refresh.is_none() {
            *refresh = secret_store::load(&delegated.store, &key).await?;
        }
        if let Some(token) = refresh.clone() {
            match self.redeem(http, delegated, &token).await {
                Ok(issued) => return self.keep(&mut refresh, delegated, issued).await,
                Err(Refused {
                    oauth_error: Some(error),
                    ..
                }) if error == "invalid_grant" => {
                    tracing::info!("the saved sign-in was refused, signing in again");
                    *refresh = None;
                    secret_store::delete(&delegated.store, &key).await?;
                }
                Err(refused) => return Err(refused.error),
            }
        }
        let scopes = delegated.scope(&self.config);
        let issued = match &delegated.flow {
            Flow::Browser(opener) => {
                delegated::browser_sign_in(http, &self.config, opener.as_ref(), &scopes, delegated)
                    .await?
            }
            Flow::DeviceCode(prompt) => {
                super::device_code::sign_in(
                    http,
                    &self.config,
                    prompt.as_ref(),
                    &scopes,
                    self.sleeper.as_ref(),
                )
                .await?
            }
        };
        self.keep(&mut refresh, delegated, issued).await
    }

    async fn redeem(
        &self,
        http: &reqwest::Client,
        delegated: &Delegated,
        token: &Secret,
    ) -> Result<Issued, Refused> {
        let scope = delegated.scope(&self.config);
        let form = [
            ("grant_type", "refresh_token"),
            ("client_id", self.config.client_id.trim()),
            ("refresh_token", token.expose()),
            ("scope", scope.as_str()),
        ];
        request_token(http, &self.config.token_url(), &form).await
    }

    /// Remembers a (rotated) refresh token, in memory and in the store.
    async fn keep(
        &self,
        refresh: &mut Option<Secret>,
        delegated: &Delegated,
        issued: Issued,
    ) -> Result<Issued, GraphError> {
        if let Some(token) = &issued.refresh {
            if refresh.as_ref() != Some(token) {
                let key = SecretKey::refresh_token(&self.config);
                secret_store::save(&delegated.store, &key, token).await?;
                *refresh = Some(token.clone());
            }
        }
        Ok(issued)
    }
}

async fn stored_client_secret(
    store: &Arc<dyn SecretStore>,
    config: &GraphConfig,
) -> Result<Secret, GraphError> {
    secret_store::load(store, &SecretKey::client_secret(config))
        .await?
        .filter(|s| !s.expose().trim().is_empty())
        .ok_or_else(|| GraphError::SignIn {
            code: "no_client_secret".into(),
            message: "no client secret is saved in the system keyring for this app".into(),
            remediation: "Enter the app registration's client secret in KeyDesk's sign-in \
                settings; it is kept in the system keyring."
                .into(),
            trace_id: None,
        })
}

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs() as i64
}
