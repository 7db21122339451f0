//! How a simulated tenant is shaped: names, sizes, secrets and timings.
//!
//! Everything the simulator seeds is derived from these values, so two tenants started with
//! the same configuration hold the same users, groups and ids.

use std::time::Duration;

/// The configuration of a simulated tenant.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Port to listen on, on 127.0.0.1; 0 picks a random free port.
    pub port: u16,
    /// The tenant's domain name, accepted in the token endpoint path.
    pub tenant: String,
    /// The only application (client id) the token endpoint knows.
    pub client_id: String,
    /// That application's client secret.
    pub client_secret: String,
    /// Display name of the provisioning group.
    pub group: String,
    /// Enabled member users of the group (some of them through a nested group).
    pub users: usize,
    /// Extra members with userType Guest.
    pub guests: usize,
    /// Extra members with accountEnabled false.
    pub disabled: usize,
    /// Seed from which names, ids and user handles are derived.
    pub seed: u64,
    /// Server-side cap on a page of members, whatever `$top` asks for.
    pub page_size: usize,
    /// Lifetime of issued access tokens.
    pub token_ttl: Duration,
    /// Delay added to every Graph response.
    pub latency: Duration,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            port: 0,
            tenant: "contoso.onmicrosoft.com".to_owned(),
            client_id: "00000000-0000-4000-8000-00000000c11d".to_owned(),
            client_secret: "keydesk-demo-secret".to_owned(),
            group: "FIDO Provisioning".to_owned(),
            users: 25,
            guests: 0,
            disabled: 0,
            seed: 1,
            page_size: 999,
            token_ttl: Duration::from_secs(3600),
            latency: Duration::ZERO,
        }
    }
}
