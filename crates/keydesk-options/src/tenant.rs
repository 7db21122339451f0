//! The options as the Graph client's settings ([`GraphConfig`]) and the data folder.

use std::path::PathBuf;
use std::time::Duration;

use keydesk_graph::{ApiVersion, Cloud, GraphConfig};
use url::Url;

use crate::{ApiArg, Auth, CloudArg, Global, OptionsError};

impl Global {
    /// Where Graph and the login authority are, for the tenant and app given. Checks the
    /// options that must go together (`--cert` only with `--auth cert`).
    pub fn graph_config(&self) -> Result<GraphConfig, OptionsError> {
        let tenant = self
            .tenant
            .clone()
            .ok_or(OptionsError::Missing("--tenant"))?;
        let client_id = self
            .client_id
            .clone()
            .ok_or(OptionsError::Missing("--client-id"))?;
        if self.cert.is_some() && self.auth != Auth::Cert {
            return Err(OptionsError::Usage("--cert is only used with --auth cert"));
        }
        let mut config = GraphConfig::for_cloud(self.cloud.into(), tenant, client_id);
        if let Some(login) = &self.login_url {
            config.login_url = parse_url("--login-url", login)?;
        }
        if let Some(graph) = &self.graph_url {
            config.graph_url = parse_url("--graph-url", graph)?;
        }
        config.api = self.api.into();
        config.listing_lag = Duration::from_secs(self.listing_lag_secs);
        Ok(config)
    }

    /// The data folder: `--data-dir`, else `keydesk` in the user's data folder. Not
    /// created here.
    pub fn data_dir(&self) -> Result<PathBuf, OptionsError> {
        match &self.data_dir {
            Some(dir) => Ok(dir.clone()),
            None => dirs::data_dir().map(|d| d.join("keydesk")).ok_or_else(|| {
                OptionsError::DataDir(
                    "no data folder is known for this user: pass --data-dir".into(),
                )
            }),
        }
    }

    /// [`Global::data_dir`], created if missing.
    pub fn create_data_dir(&self) -> Result<PathBuf, OptionsError> {
        let dir = self.data_dir()?;
        std::fs::create_dir_all(&dir).map_err(|e| {
            OptionsError::DataDir(format!(
                "cannot create the data folder {}: {e}",
                dir.display()
            ))
        })?;
        Ok(dir)
    }
}

/// `--cloud` as the Graph client's cloud. `--login-url`/`--graph-url` override the URLs
/// but keep the cloud, so what the cloud lacks is still refused.
impl From<CloudArg> for Cloud {
    fn from(arg: CloudArg) -> Self {
        match arg {
            CloudArg::Global => Cloud::Global,
            CloudArg::Usgov => Cloud::UsGovL4,
            CloudArg::UsgovDod => Cloud::UsGovDodL5,
            CloudArg::China => Cloud::China,
        }
    }
}

impl From<ApiArg> for ApiVersion {
    fn from(arg: ApiArg) -> Self {
        match arg {
            ApiArg::V1 => ApiVersion::V1,
            ApiArg::Beta => ApiVersion::Beta,
        }
    }
}

fn parse_url(flag: &'static str, text: &str) -> Result<Url, OptionsError> {
    Url::parse(text).map_err(|e| OptionsError::BadUrl {
        flag,
        text: text.to_owned(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        global: Global,
    }

    fn parse(args: &[&str]) -> Global {
        Cli::parse_from([&["x"], args].concat()).global
    }

    #[test]
    fn urls_override_the_cloud_but_keep_it() {
        let global = parse(&[
            "--tenant",
            "t",
            "--client-id",
            "c",
            "--cloud",
            "china",
            "--graph-url",
            "http://127.0.0.1:9",
            "--api",
            "beta",
        ]);
        let config = global.graph_config().unwrap();
        assert_eq!(config.cloud, Cloud::China);
        assert_eq!(config.graph_url.as_str(), "http://127.0.0.1:9/");
        assert_eq!(config.api, ApiVersion::Beta);
        assert!(crate::is_loopback(&config.graph_url));
    }

    #[test]
    fn missing_and_conflicting_options_are_named() {
        let e = parse(&["--client-id", "c"]).graph_config().unwrap_err();
        assert_eq!(e.to_string(), "--tenant is required");
        let e = parse(&["--tenant", "t", "--client-id", "c", "--cert", "x.pem"])
            .graph_config()
            .unwrap_err();
        assert!(e.to_string().contains("--auth cert"), "{e}");
        let e = parse(&["--tenant", "t", "--client-id", "c", "--login-url", "nope"])
            .graph_config()
            .unwrap_err();
        assert!(e.to_string().contains("--login-url"), "{e}");
    }
}
