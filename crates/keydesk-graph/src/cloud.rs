//! Entra's national clouds: where each signs in and serves Graph, and what each lacks.
//!
//! The endpoints are Microsoft's national-cloud deployment table. FIDO2 provisioning (creation options and the register
//! POST) exists in the global cloud only, so [`Cloud::supports_provisioning`] lets the
//! client refuse those calls with a clear message before anything is sent. A custom cloud
//! (explicit base URLs: a proxy, a test tenant, the simulator) is trusted to offer
//! everything; the operator chose its URLs.

use std::fmt;

use url::Url;

/// One Entra ID / Microsoft Graph cloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Cloud {
    /// The global (commercial) cloud.
    #[default]
    Global,
    /// US Government L4 (GCC High).
    UsGovL4,
    /// US Government L5 (DoD).
    UsGovDodL5,
    /// China, operated by 21Vianet.
    China,
    /// Explicit login and Graph base URLs, set on [`crate::GraphConfig`].
    Custom,
}

impl Cloud {
    /// Login authority and Graph host of this cloud; `None` for [`Cloud::Custom`].
    pub fn endpoints(self) -> Option<(Url, Url)> {
        let (login, graph) = match self {
            Cloud::Global => (
                "https://login.microsoftonline.com",
                "https://graph.microsoft.com",
            ),
            Cloud::UsGovL4 => (
                "https://login.microsoftonline.us",
                "https://graph.microsoft.us",
            ),
            Cloud::UsGovDodL5 => (
                "https://login.microsoftonline.us",
                "https://dod-graph.microsoft.us",
            ),
            Cloud::China => (
                "https://login.chinacloudapi.cn",
                "https://microsoftgraph.chinacloudapi.cn",
            ),
            Cloud::Custom => return None,
        };
        Some((
            Url::parse(login).expect("static URL"),
            Url::parse(graph).expect("static URL"),
        ))
    }

    /// Whether FIDO2 creation options and registration exist in this cloud.
    pub fn supports_provisioning(self) -> bool {
        matches!(self, Cloud::Global | Cloud::Custom)
    }
}

impl fmt::Display for Cloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Cloud::Global => "the global cloud",
            Cloud::UsGovL4 => "US Government (GCC High, L4)",
            Cloud::UsGovDodL5 => "US Government DoD (L5)",
            Cloud::China => "Microsoft Azure operated by 21Vianet (China)",
            Cloud::Custom => "a custom cloud",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cloud_has_graph_md_hosts() {
        let host = |c: Cloud| {
            let (login, graph) = c.endpoints().unwrap();
            (
                login.host_str().unwrap().to_owned(),
                graph.host_str().unwrap().to_owned(),
            )
        };
        assert_eq!(host(Cloud::UsGovL4).1, "graph.microsoft.us");
        assert_eq!(host(Cloud::UsGovDodL5).1, "dod-graph.microsoft.us");
        assert_eq!(host(Cloud::UsGovDodL5).0, "login.microsoftonline.us");
        assert_eq!(host(Cloud::China).0, "login.chinacloudapi.cn");
        assert_eq!(host(Cloud::China).1, "microsoftgraph.chinacloudapi.cn");
        assert!(Cloud::Custom.endpoints().is_none());
        assert!(Cloud::Global.supports_provisioning());
        assert!(!Cloud::UsGovL4.supports_provisioning());
        assert!(!Cloud::China.supports_provisioning());
    }
}
