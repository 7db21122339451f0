//! The app's command line: the global options it shares with `keydesk-cli`
//! ([`keydesk_options::Global`]) and its own (`--group`, `--soft-keys`, `--demo`), read
//! before Tauri starts so `--help`, `--version` and usage errors never open a window.

use clap::Parser;
use keydesk_ipc::{CloudName, Connection, SignInMode};
use keydesk_options::{Auth, CloudArg, Global};

/// `keydesk [OPTIONS]`: the window, signed in at start when the options say enough.
#[derive(Debug, Parser)]
#[command(
    name = "keydesk",
    about = "KeyDesk: a provisioning station for FIDO2 security keys in Microsoft Entra ID.",
    disable_version_flag = true
)]
pub struct Launch {
    /// The options shared with keydesk-cli.
    #[command(flatten)]
    pub global: Global,
    /// The group whose users form the queue (display name or id).
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,
    /// N simulated keys with the key panel (plug, touch, pull) instead of plugged security
    /// keys; only against a login authority and Graph on this machine (a simulated tenant).
    #[arg(long, value_name = "N")]
    pub soft_keys: Option<usize>,
    /// A simulated tenant and simulated keys, in a build with demo mode.
    #[arg(long)]
    pub demo: bool,
    /// Print the version, the commit and whether this build has demo mode.
    #[arg(short = 'V', long)]
    pub version: bool,
}

impl Launch {
    /// Checks what must hold before anything opens: simulated keys only against a tenant
    /// on loopback, never with `--demo` (which brings its own). The error is a sentence
    /// for stderr (exit 2).
    pub fn check(&self) -> Result<(), String> {
        let Some(n) = self.soft_keys else {
            return Ok(());
        };
        if n == 0 {
            return Err("--soft-keys needs at least 1 key".into());
        }
        if self.demo {
            return Err(
                "--soft-keys is not used with --demo, which plugs its own simulated keys".into(),
            );
        }
        let refused = "--soft-keys only works against a login authority and a Graph on this machine (a simulated tenant): simulated keys must never be registered in a real tenant; pass --login-url and --graph-url on 127.0.0.1";
        let config = self.global.graph_config().map_err(|e| e.to_string())?;
        if keydesk_options::is_loopback(&config.login_url)
            && keydesk_options::is_loopback(&config.graph_url)
        {
            Ok(())
        } else {
            Err(refused.into())
        }
    }

    /// The connection the options describe, when they name a tenant and an app (the
    /// group from `--group`, else `saved_group`).
    pub fn connection(&self, saved_group: &str) -> Option<Connection> {
        let g = &self.global;
        Some(Connection {
            tenant: g.tenant.clone()?,
            client_id: g.client_id.clone()?,
            cloud: match g.cloud {
                CloudArg::Global => CloudName::Global,
                CloudArg::Usgov => CloudName::Usgov,
                CloudArg::UsgovDod => CloudName::UsgovDod,
                CloudArg::China => CloudName::China,
            },
            mode: match g.auth {
                Auth::Secret => SignInMode::ClientSecret,
                Auth::Cert => SignInMode::Certificate,
                Auth::DeviceCode => SignInMode::DeviceCode,
                Auth::Delegated => SignInMode::Browser,
            },
            cert_path: g.cert.as_ref().map(|p| p.display().to_string()),
            group: self.group.clone().unwrap_or_else(|| saved_group.to_owned()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Launch {
        Launch::try_parse_from([&["keydesk"], args].concat()).unwrap()
    }

    #[test]
    fn soft_keys_are_refused_unless_both_urls_are_on_loopback() {
        let base = ["--tenant", "t", "--client-id", "c", "--soft-keys", "2"];
        let e = parse(&base).check().unwrap_err();
        assert!(e.contains("--soft-keys only works"), "{e}");
        let local = [
            &base[..],
            &[
                "--login-url",
                "http://127.0.0.1:9",
                "--graph-url",
                "http://127.0.0.1:9",
            ],
        ]
        .concat();
        parse(&local).check().unwrap();
        let half = [&base[..], &["--graph-url", "http://127.0.0.1:9"]].concat();
        assert!(parse(&half).check().is_err());
        assert!(parse(&["--soft-keys", "0"]).check().is_err());
    }

    #[test]
    fn the_options_prefill_the_connection() {
        let launch = parse(&[
            "--tenant",
            "t",
            "--client-id",
            "c",
            "--group",
            "G",
            "--auth",
            "delegated",
        ]);
        let c = launch.connection("saved").unwrap();
        assert_eq!(
            (c.tenant.as_str(), c.client_id.as_str(), c.group.as_str()),
            ("t", "c", "G")
        );
        assert_eq!(c.mode, SignInMode::Browser);
        assert!(parse(&["--tenant", "t"]).connection("g").is_none());
        assert!(parse(&["--version"]).version);
    }
}
