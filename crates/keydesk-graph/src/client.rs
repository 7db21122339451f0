//! [`GraphClient`]: one shared HTTP client and token cache behind a cheap `Clone`.
//!
//! The calls themselves live next to their types ([`crate::api::groups`], [`crate::api::users`],
//! [`crate::api::fido2`]); this module builds the client, signs in and follows paged results.
//!
//! Networks: the proxy comes from the environment (`HTTPS_PROXY`, `HTTP_PROXY`,
//! `ALL_PROXY`, `NO_PROXY`, as reqwest reads them; `.no_proxy()` is never called), and
//! TLS trusts [`TLS_TRUST`].

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

/// The certificates HTTPS connections to Entra and Graph are verified against: the built-in
/// Mozilla roots and the operating system's store (rustls-native-certs: the Windows and
/// macOS stores, on Linux the distribution bundle, or `SSL_CERT_FILE` / `SSL_CERT_DIR`),
/// so a TLS-inspecting corporate proxy whose root the IT department installed is trusted.
/// Verification is always on; there is no switch to turn it off.
pub const TLS_TRUST: &str = "built-in Mozilla roots + the OS certificate store \
    (SSL_CERT_FILE/SSL_CERT_DIR if set), verification always on";

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
            // Neither Graph nor the token endpoint redirects the calls KeyDesk makes; a
            // 307/308 would replay a client secret or a bearer token to wherever it points.
            .redirect(reqwest::redirect::Policy::none())
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

    /// What the current access token (fetched if needed) says about itself: a hint only.
    /// Microsoft tells clients to treat Graph tokens as opaque, so nothing here decides
    /// anything; the token itself never leaves this function.
    pub async fn token_hint(&self) -> Result<TokenHint, GraphError> {
        let transport = &self.inner.transport;
        let token = transport.tokens.get(&transport.http, None).await?;
        Ok(TokenHint::decode(token.expose()))
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

/// The claims of an access token that say what it may do, read without verifying it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TokenHint {
    /// Whether the token is a JWT whose payload could be read at all.
    pub readable: bool,
    /// `roles`: application permissions (app-only tokens).
    pub roles: Vec<String>,
    /// `scp`: delegated permissions (tokens of a signed-in person).
    pub scopes: Vec<String>,
    /// `wids`: directory role template ids of the signed-in person, with names where known.
    pub directory_roles: Vec<String>,
    /// `upn` or `preferred_username`: who signed in.
    pub user: Option<String>,
}

/// Directory role template ids KeyDesk's setup mentions, and their names.
const ROLE_TEMPLATES: &[(&str, &str)] = &[
    (
        "62e90394-69f5-4237-9190-012177145e10",
        "Global Administrator",
    ),
    (
        "c4e39bd9-1100-46d3-8c65-fb160da0071f",
        "Authentication Administrator",
    ),
    (
        "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
        "Privileged Authentication Administrator",
    ),
    (
        "0526716b-113d-4c15-b2c8-68e3c22b9f80",
        "Authentication Policy Administrator",
    ),
    ("f2ef992c-3afb-46b9-b7cf-a126ee74c451", "Global Reader"),
    ("b79fbf4d-3ef9-4689-8143-76b194e85509", "(member user)"),
];

impl TokenHint {
    /// Reads the payload of a compact JWT; anything else gives an unreadable hint.
    pub fn decode(token: &str) -> TokenHint {
        use base64::Engine;
        let mut parts = token.split('.');
        let payload = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(_), Some(payload), Some(_), None) => payload,
            _ => return TokenHint::default(),
        };
        let bytes = match base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
        {
            Ok(bytes) => bytes,
            Err(_) => return TokenHint::default(),
        };
        let Ok(serde_json::Value::Object(claims)) = serde_json::from_slice(&bytes) else {
            return TokenHint::default();
        };
        let strings = |name: &str| -> Vec<String> {
            match claims.get(name) {
                Some(serde_json::Value::Array(items)) => items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                Some(serde_json::Value::String(text)) => {
                    text.split_whitespace().map(str::to_owned).collect()
                }
                _ => Vec::new(),
            }
        };
        let directory_roles = strings("wids")
            .into_iter()
            .map(|id| {
                ROLE_TEMPLATES
                    .iter()
                    .find(|(template, _)| template.eq_ignore_ascii_case(&id))
                    .map_or(id, |(_, name)| (*name).to_owned())
            })
            .collect();
        TokenHint {
            readable: true,
            roles: strings("roles"),
            scopes: strings("scp"),
            directory_roles,
            user: ["upn", "preferred_username", "unique_name"]
                .iter()
                .find_map(|c| claims.get(*c).and_then(|v| v.as_str()).map(str::to_owned)),
        }
    }
}

impl fmt::Debug for GraphClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphClient")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;

    use super::TokenHint;

    fn jwt(claims: &str) -> String {
        let b64 = |t: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(t);
        format!(
            "{}.{}.sig",
            b64(r#"{"typ":"JWT","alg":"RS256"}"#),
            b64(claims)
        )
    }

    #[test]
    fn roles_scopes_and_named_directory_roles_are_read() {
        let hint = TokenHint::decode(&jwt(
            r#"{"roles":["GroupMember.Read.All","User.Read.All"],"scp":"User.Read Policy.Read.AuthenticationMethod","wids":["c4e39bd9-1100-46d3-8c65-fb160da0071f","00000000-0000-0000-0000-000000000001"],"upn":"kim@contoso.com"}"#,
        ));
        assert!(hint.readable);
        assert_eq!(hint.roles, ["GroupMember.Read.All", "User.Read.All"]);
        assert_eq!(
            hint.scopes,
            ["User.Read", "Policy.Read.AuthenticationMethod"]
        );
        assert_eq!(
            hint.directory_roles,
            [
                "Authentication Administrator",
                "00000000-0000-0000-0000-000000000001"
            ]
        );
        assert_eq!(hint.user.as_deref(), Some("kim@contoso.com"));
    }

    #[test]
    fn an_opaque_token_is_unreadable_not_an_error() {
        for token in ["opaque-token", "a.b", "a.!!!.c", &jwt("[1,2]"), "a.b.c.d.e"] {
            assert_eq!(TokenHint::decode(token), TokenHint::default(), "{token}");
        }
    }
}
