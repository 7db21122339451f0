//! A directory user as KeyDesk needs to know them.

use serde::{Deserialize, Serialize};

/// A user from the group, with what decides eligibility.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryUser {
    /// Entra object id.
    pub id: String,
    /// userPrincipalName.
    pub upn: String,
    /// displayName (may be empty).
    pub display_name: String,
    /// accountEnabled.
    pub enabled: bool,
    /// userType is "Guest".
    pub guest: bool,
    /// department, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// officeLocation, when set (PIN letters print it with the department).
    #[serde(default)]
    pub office: Option<String>,
}

impl DirectoryUser {
    /// Why this user cannot hold a passkey, if they cannot.
    pub fn ineligibility(&self) -> Option<&'static str> {
        if self.guest {
            Some("guest accounts cannot hold passkeys")
        } else if !self.enabled {
            Some("account is disabled")
        } else {
            None
        }
    }
}
