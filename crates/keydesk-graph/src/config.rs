//! Where the client talks to: login authority, Graph host, tenant, app and API version.
//!
//! Both base URLs are configurable because Entra has several clouds ([`crate::Cloud`]) and
//! because tests point them at a simulated tenant. Nothing here holds a secret: credentials
//! live in [`crate::Credentials`].

use std::time::Duration;

use url::Url;

use crate::{Cloud, GraphError};

/// Which Graph version a call uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApiVersion {
    /// `/v1.0`: the default; creation options there carry a fixed 5-minute challenge.
    #[default]
    V1,
    /// `/beta`: needed for custom challenge timeouts.
    Beta,
}

impl ApiVersion {
    /// The path segment, `v1.0` or `beta`.
    pub fn segment(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1.0",
            ApiVersion::Beta => "beta",
        }
    }
}

/// Connection settings for one tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphConfig {
    /// Login authority, e.g. `https://login.microsoftonline.com`.
    pub login_url: Url,
    /// Graph host without version, e.g. `https://graph.microsoft.com`.
    pub graph_url: Url,
    /// Tenant id or domain name, e.g. `contoso.onmicrosoft.com`.
    pub tenant: String,
    /// Application (client) id of KeyDesk's app registration.
    pub client_id: String,
    /// Version used by calls that do not need a specific one.
    pub api: ApiVersion,
    /// Limit for each HTTP call (connect, send and read the whole body).
    pub timeout: Duration,
    /// Which cloud the URLs belong to; decides which features exist.
    pub cloud: Cloud,
    /// Graph calls in flight at once, across every clone of the client.
    pub max_concurrency: usize,
    /// Attempts for one idempotent call (and for a write whose outcome was checked), the
    /// first included.
    pub max_attempts: u32,
    /// How long a new passkey may take to appear in the user's listing (undocumented by
    /// Microsoft): an unknown registration outcome is only called absent once this much
    /// time has passed on Graph's clock (see [`crate::Verdict`]).
    pub listing_lag: Duration,
}

impl GraphConfig {
    /// Default per-call timeout.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

    /// Default [`GraphConfig::listing_lag`].
    pub const DEFAULT_LISTING_LAG: Duration = Duration::from_secs(30);

    /// Default number of Graph calls in flight at once: 24, so that a bulk prefetch
    /// (a group's creation options) is not held to fewer; at Graph's real latency that
    /// stays under half of the identity service's smallest per-app-and-tenant budget
    /// (3,500 resource units per 10 s), and every 429 is waited out for its Retry-After.
    pub const DEFAULT_CONCURRENCY: usize = 24;

    /// Settings for the global (commercial) cloud.
    pub fn global(tenant: impl Into<String>, client_id: impl Into<String>) -> Self {
        Self::for_cloud(Cloud::Global, tenant, client_id)
    }

    /// Settings for a national cloud ([`Cloud::Custom`] starts from the global URLs: set
    /// both base URLs, or use [`GraphConfig::custom`]).
    pub fn for_cloud(
        cloud: Cloud,
        tenant: impl Into<String>,
        client_id: impl Into<String>,
    ) -> Self {
        let (login_url, graph_url) = cloud
            .endpoints()
            .or_else(|| Cloud::Global.endpoints())
            .expect("the global cloud has endpoints");
        GraphConfig {
            login_url,
            graph_url,
            tenant: tenant.into(),
            client_id: client_id.into(),
            api: ApiVersion::V1,
            timeout: Self::DEFAULT_TIMEOUT,
            cloud,
            max_concurrency: Self::DEFAULT_CONCURRENCY,
            max_attempts: crate::MAX_ATTEMPTS,
            listing_lag: Self::DEFAULT_LISTING_LAG,
        }
    }

    /// Settings for explicit login and Graph base URLs ([`Cloud::Custom`]).
    pub fn custom(
        login_url: Url,
        graph_url: Url,
        tenant: impl Into<String>,
        client_id: impl Into<String>,
    ) -> Self {
        GraphConfig {
            login_url,
            graph_url,
            ..Self::for_cloud(Cloud::Custom, tenant, client_id)
        }
    }

    /// Checks what can be checked without the network.
    pub(crate) fn validate(&self) -> Result<(), GraphError> {
        for (name, url) in [
            ("login URL", &self.login_url),
            ("Graph URL", &self.graph_url),
        ] {
            if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
                return Err(GraphError::InvalidInput(format!(
                    "the {name} must be an http(s) URL with a host, not {url}"
                )));
            }
            // A secret or a token over plain HTTP is readable on the way: only a simulated
            // tenant on this machine may be reached without TLS.
            if url.scheme() == "http" && !is_loopback(url) {
                return Err(GraphError::InvalidInput(format!(
                    "the {name} {url} uses plain http to another machine: secrets and tokens \
                     would travel unencrypted; use https (plain http is only for a simulated \
                     tenant on this machine)"
                )));
            }
        }
        let tenant = self.tenant.trim();
        if tenant.is_empty() || tenant.contains(['/', '?', '#']) {
            return Err(GraphError::InvalidInput(format!(
                "the tenant must be a tenant id or domain name, not {:?}",
                self.tenant
            )));
        }
        if self.client_id.trim().is_empty() {
            return Err(GraphError::InvalidInput("the client id is empty".into()));
        }
        if self.max_concurrency == 0 || self.max_attempts == 0 {
            return Err(GraphError::InvalidInput(
                "the concurrency limit and the attempts must be above zero".into(),
            ));
        }
        if self.timeout.is_zero() {
            return Err(GraphError::InvalidInput(
                "the timeout must be above zero".into(),
            ));
        }
        Ok(())
    }

    /// `{authority}/{tenant}/oauth2/v2.0/token`.
    pub(crate) fn token_url(&self) -> Url {
        with_segments(
            &self.login_url,
            &[self.tenant.trim(), "oauth2", "v2.0", "token"],
        )
    }

    /// `{authority}/{tenant}/oauth2/v2.0/{endpoint}` (`authorize`, `devicecode`).
    pub(crate) fn oauth_url(&self, endpoint: &str) -> Url {
        with_segments(
            &self.login_url,
            &[self.tenant.trim(), "oauth2", "v2.0", endpoint],
        )
    }

    /// `{graph}/.default`, the app-only scope of this cloud's Graph.
    pub(crate) fn default_scope(&self) -> String {
        format!("{}/.default", self.graph_url.origin().ascii_serialization())
    }

    /// `{graph}/{version}/{segments...}`, each segment percent-encoded.
    pub(crate) fn graph(&self, version: ApiVersion, segments: &[&str]) -> Url {
        let mut all = Vec::with_capacity(segments.len() + 1);
        all.push(version.segment());
        all.extend_from_slice(segments);
        with_segments(&self.graph_url, &all)
    }
}

/// Whether `url` names this machine: `localhost`, 127.0.0.0/8 or `::1`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Appends path segments to a base URL (which [`GraphConfig::validate`] made sure can have
/// a path), encoding each one.
fn with_segments(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    url.set_query(None);
    url.set_fragment(None);
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_for_the_global_cloud() {
        let config = GraphConfig::global("contoso.onmicrosoft.com", "app");
        assert_eq!(
            config.token_url().as_str(),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
        );
        assert_eq!(
            config.default_scope(),
            "https://graph.microsoft.com/.default"
        );
        assert_eq!(
            config
                .graph(ApiVersion::Beta, &["users", "a#EXT#@x", "authentication"])
                .as_str(),
            "https://graph.microsoft.com/beta/users/a%23EXT%23@x/authentication"
        );
        assert_eq!(config.timeout, Duration::from_secs(30));
        assert_eq!(config.cloud, Cloud::Global);
        assert_eq!(
            config.oauth_url("devicecode").as_str(),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/devicecode"
        );
        assert!(config.validate().is_ok());
    }

    #[test]
    fn a_base_with_a_trailing_slash_or_path_is_kept() {
        let mut config = GraphConfig::global("t", "app");
        config.graph_url = Url::parse("http://127.0.0.1:9/graph/").unwrap();
        assert_eq!(
            config.graph(ApiVersion::V1, &["users"]).as_str(),
            "http://127.0.0.1:9/graph/v1.0/users"
        );
    }

    #[test]
    fn national_clouds_use_their_own_hosts_for_scope_and_token() {
        let config = GraphConfig::for_cloud(Cloud::UsGovDodL5, "t", "app");
        assert_eq!(
            config.default_scope(),
            "https://dod-graph.microsoft.us/.default"
        );
        assert!(config
            .token_url()
            .as_str()
            .starts_with("https://login.microsoftonline.us/t/"));
        let custom = GraphConfig::custom(
            Url::parse("http://127.0.0.1:1").unwrap(),
            Url::parse("http://127.0.0.1:2").unwrap(),
            "t",
            "app",
        );
        assert_eq!(custom.cloud, Cloud::Custom);
        assert_eq!(custom.default_scope(), "http://127.0.0.1:2/.default");
    }

    #[test]
    fn bad_settings_are_refused() {
        let mut config = GraphConfig::global("contoso/evil", "app");
        assert!(matches!(
            config.validate(),
            Err(GraphError::InvalidInput(_))
        ));
        config.tenant = "t".into();
        config.client_id = " ".into();
        assert!(config.validate().is_err());
        config.client_id = "app".into();
        config.graph_url = Url::parse("mailto:x@y").unwrap();
        assert!(config.validate().is_err());
    }
}
