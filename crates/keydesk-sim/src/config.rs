//! How a simulated tenant is shaped: names, sizes, secrets and timings.
//!
//! Everything the simulator seeds is derived from these values, so two tenants started with
//! the same configuration hold the same users, groups and ids.

use std::time::Duration;

pub use crate::faults::Faults;
pub use crate::method_ids::MethodIds;
pub use crate::policy::{Fido2Policy, KeyRestrictions};

use crate::perms::{
    AUTHENTICATION_ADMINISTRATOR, DEFAULT_APP_PERMISSIONS, DEFAULT_DELEGATED_SCOPES,
};

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
    /// DER of the certificate registered as the app's certificate credential, if any
    /// (client assertions are verified against it).
    pub client_certificate: Option<Vec<u8>>,
    /// Display name of the provisioning group.
    pub group: String,
    /// Enabled member users of the group. Without `nested`, a fifth of them (1..=5) are
    /// members through a nested "Pilot" group; with it, all of them are direct members.
    pub users: usize,
    /// Enabled users who are members only through the nested "Pilot" group (one direct
    /// member is in it as well, so a naive flattener sees that one twice).
    pub nested: Option<usize>,
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
    /// Delay added to every Graph response (on top of `faults.latency_ms`).
    pub latency: Duration,
    /// Fault knobs in force from the start; all off by default.
    pub faults: Faults,
    /// Application permissions (app roles) granted to the app; app-only tokens carry them.
    pub app_permissions: Vec<String>,
    /// Delegated permissions consented for the app; delegated tokens carry them.
    pub delegated_scopes: Vec<String>,
    /// Directory roles of the seeded operator who signs in interactively (none: no
    /// role). A desk operator usually holds Authentication Administrator (to register
    /// passkeys for others) and Global Reader (to read the FIDO2 policy).
    pub operator_roles: Vec<String>,
    /// The FIDO2 authentication method policy.
    pub policy: Fido2Policy,
    /// How Graph method ids of new passkeys look; opaque (unrelated to the credential id)
    /// by default.
    pub method_ids: MethodIds,
    /// Seed a second group with the provisioning group's display name (one helpdesk user
    /// in it), so a lookup by name finds two: Entra does not keep group names unique.
    pub duplicate_group: bool,
    /// How many members of the provisioning group (the first ones) hold the Global
    /// Administrator directory role.
    pub role_holders: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            port: 0,
            tenant: "contoso.onmicrosoft.com".to_owned(),
            client_id: "00000000-0000-4000-8000-00000000c11d".to_owned(),
            client_secret: "keydesk-demo-secret".to_owned(),
            client_certificate: None,
            group: "FIDO Provisioning".to_owned(),
            users: 25,
            nested: None,
            guests: 0,
            disabled: 0,
            seed: 1,
            page_size: 999,
            token_ttl: Duration::from_secs(3600),
            latency: Duration::ZERO,
            faults: Faults::default(),
            app_permissions: DEFAULT_APP_PERMISSIONS
                .iter()
                .map(|p| p.to_string())
                .collect(),
            delegated_scopes: DEFAULT_DELEGATED_SCOPES
                .iter()
                .map(|p| p.to_string())
                .collect(),
            operator_roles: vec![AUTHENTICATION_ADMINISTRATOR.to_owned()],
            policy: Fido2Policy::default(),
            method_ids: MethodIds::default(),
            duplicate_group: false,
            role_holders: 0,
        }
    }
}
