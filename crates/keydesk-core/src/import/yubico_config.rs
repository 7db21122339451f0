//! The Yubico sample's `configs.json`: `tenantName`, `client_id`, `client_secret`,
//! `usersInScopeGroup`, `challengeTimeoutInMinutes`, `deleteExistingUserFIDOCredentials`,
//! `useRandomPIN`, `useCTAP21Features`. KeyDesk takes the tenant, the client id and the
//! secret (which belongs in the OS keyring, never in a file), and the group and challenge
//! timeout as hints; the rest are the sample's own switches.
//!
//! The sample ships placeholders (`{tenantName}.onmicrosoft.com`, empty id and secret):
//! those are refused with the field named.

use std::fmt;

use serde::Deserialize;
use zeroize::Zeroizing;

/// What KeyDesk takes from `configs.json`.
#[derive(Clone, PartialEq, Eq)]
pub struct YubicoConfig {
    /// `tenantName`, e.g. `contoso.onmicrosoft.com`.
    pub tenant: String,
    /// `client_id`.
    pub client_id: String,
    /// `client_secret`, when present (redacted in `Debug`).
    pub client_secret: Option<Zeroizing<String>>,
    /// `usersInScopeGroup`.
    pub group: Option<String>,
    /// `challengeTimeoutInMinutes`.
    pub challenge_timeout_minutes: Option<u32>,
}

impl fmt::Debug for YubicoConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("YubicoConfig")
            .field("tenant", &self.tenant)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("group", &self.group)
            .field("challenge_timeout_minutes", &self.challenge_timeout_minutes)
            .finish()
    }
}

/// Why the file does not configure KeyDesk.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// Not JSON, or not an object of the sample's shape.
    #[error("configs.json is not the sample's JSON: {0}")]
    NotJson(String),
    /// A required field is missing, empty or still the sample's placeholder.
    #[error("configs.json: {0} is missing, empty or still the sample's placeholder")]
    Missing(&'static str),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Dto {
    tenant_name: Option<String>,
    #[serde(rename = "client_id")]
    client_id: Option<String>,
    #[serde(rename = "client_secret")]
    client_secret: Option<String>,
    users_in_scope_group: Option<String>,
    challenge_timeout_in_minutes: Option<u32>,
}

/// Reads `configs.json`.
pub fn parse_yubico_config(bytes: &[u8]) -> Result<YubicoConfig, ConfigError> {
    let dto: Dto =
        serde_json::from_slice(bytes).map_err(|e| ConfigError::NotJson(e.to_string()))?;
    let given = |value: Option<String>| {
        value
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty() && !v.contains('{'))
    };
    let secret = dto.client_secret.map(Zeroizing::new);
    Ok(YubicoConfig {
        tenant: given(dto.tenant_name).ok_or(ConfigError::Missing("tenantName"))?,
        client_id: given(dto.client_id).ok_or(ConfigError::Missing("client_id"))?,
        client_secret: secret.filter(|s| !s.trim().is_empty()),
        group: given(dto.users_in_scope_group).filter(|g| g != "GroupName"),
        challenge_timeout_minutes: dto.challenge_timeout_in_minutes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_samples_keys_are_read_and_the_secret_never_prints() {
        let config = parse_yubico_config(
            br#"{"tenantName": "contoso.onmicrosoft.com", "client_id": "abc",
                "client_secret": "s3cr3t~value", "usersInScopeGroup": "FIDO Users",
                "challengeTimeoutInMinutes": 60, "deleteExistingUserFIDOCredentials": false,
                "useRandomPIN": true, "useCTAP21Features": false}"#,
        )
        .unwrap();
        assert_eq!(config.tenant, "contoso.onmicrosoft.com");
        assert_eq!(config.client_id, "abc");
        assert_eq!(
            config.client_secret.as_deref().map(String::as_str),
            Some("s3cr3t~value")
        );
        assert_eq!(config.group.as_deref(), Some("FIDO Users"));
        assert!(!format!("{config:?}").contains("s3cr3t"));
    }

    #[test]
    fn the_samples_placeholders_are_refused() {
        let sample = br#"{"tenantName": "{tenantName}.onmicrosoft.com", "client_id": "",
            "client_secret": "", "usersInScopeGroup": "GroupName"}"#;
        assert_eq!(
            parse_yubico_config(sample),
            Err(ConfigError::Missing("tenantName"))
        );
        assert!(matches!(
            parse_yubico_config(b"not json"),
            Err(ConfigError::NotJson(_))
        ));
    }
}
