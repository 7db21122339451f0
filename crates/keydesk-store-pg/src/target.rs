//! `--store postgres://user@host:port/db?sslmode=…`: which database, never a secret.
//!
//! A password in the URL (`user:pw@` or `?password=`) is refused: secrets never come from
//! flags or files; the caller hands it over from the OS keyring or `PGPASSWORD`.
//! `sslmode` is `verify-full` unless said otherwise: TLS with the server's certificate
//! checked against the OS roots (or `sslrootcert=<PEM file>`) and its host name.
//! `require` and `verify-ca` are read as `verify-full` (stricter than libpq, never
//! weaker); `disable` is accepted for a loopback host only, `prefer` and `allow` are
//! refused because they fall back to clear text.

use std::path::PathBuf;

/// How the connection is protected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tls {
    /// No TLS (loopback hosts only).
    Disabled,
    /// TLS with certificate and host name verified; roots from this PEM file, or the
    /// OS's when `None`.
    VerifyFull(Option<PathBuf>),
}

/// A parsed `--store` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreTarget {
    /// Host name or address.
    pub host: String,
    /// Port (5432 when not given).
    pub port: u16,
    /// Database name.
    pub database: String,
    /// Role to connect as.
    pub user: String,
    /// TLS settings.
    pub tls: Tls,
}

/// Why a `--store` URL is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TargetError {
    /// Not a URL, or not `postgres://`/`postgresql://`.
    #[error("--store must be a postgres:// URL: {0}")]
    NotPostgres(String),
    /// The URL holds a password.
    #[error("--store holds a password: give it through the OS keyring or PGPASSWORD instead")]
    PasswordInUrl,
    /// A part is missing (user, host or database).
    #[error("--store lacks {0}")]
    Missing(&'static str),
    /// An `sslmode` that could fall back to clear text, or clear text to a remote host.
    #[error("--store: sslmode={0} is refused (use verify-full; disable only for a loopback host)")]
    WeakTls(String),
    /// A parameter KeyDesk does not know.
    #[error("--store: unknown parameter {0}")]
    Unknown(String),
}

impl TargetError {
    /// What to do about it.
    pub fn remediation(&self) -> &'static str {
        match self {
            TargetError::PasswordInUrl => {
                "Remove the password from the URL; set PGPASSWORD or keep it in the OS keyring."
            }
            _ => "Give --store as postgres://user@host:port/database?sslmode=verify-full.",
        }
    }
}

impl std::str::FromStr for StoreTarget {
    type Err = TargetError;

    fn from_str(text: &str) -> Result<StoreTarget, TargetError> {
        let url = url::Url::parse(text).map_err(|e| TargetError::NotPostgres(e.to_string()))?;
        if !matches!(url.scheme(), "postgres" | "postgresql") {
            return Err(TargetError::NotPostgres(url.scheme().to_string()));
        }
        if url.password().is_some() {
            return Err(TargetError::PasswordInUrl);
        }
        let user = url.username();
        if user.is_empty() {
            return Err(TargetError::Missing("a user (postgres://user@host/db)"));
        }
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or(TargetError::Missing("a host"))?;
        let database = url.path().trim_start_matches('/');
        if database.is_empty() {
            return Err(TargetError::Missing("a database name"));
        }
        let mut mode = "verify-full".to_string();
        let mut root = None;
        for (name, value) in url.query_pairs() {
            match &*name {
                "password" => return Err(TargetError::PasswordInUrl),
                "sslmode" => mode = value.into_owned(),
                "sslrootcert" => root = Some(PathBuf::from(&*value)),
                other => return Err(TargetError::Unknown(other.to_string())),
            }
        }
        let loopback = host == "localhost"
            || host
                .trim_matches(['[', ']'])
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        let tls = match &*mode {
            "verify-full" | "verify-ca" | "require" => Tls::VerifyFull(root),
            "disable" if loopback => Tls::Disabled,
            _ => return Err(TargetError::WeakTls(mode)),
        };
        Ok(StoreTarget {
            host: host.trim_matches(['[', ']']).to_string(),
            port: url.port().unwrap_or(5432),
            database: database.to_string(),
            user: user.to_string(),
            tls,
        })
    }
}

impl std::fmt::Display for StoreTarget {
    /// The URL again, for the header and logs: it never holds a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mode = match self.tls {
            Tls::Disabled => "disable",
            Tls::VerifyFull(_) => "verify-full",
        };
        write!(
            f,
            "postgres://{}@{}:{}/{}?sslmode={mode}",
            self.user, self.host, self.port, self.database
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<StoreTarget, TargetError> {
        text.parse()
    }

    #[test]
    fn a_password_in_the_url_is_refused_in_either_place() {
        assert_eq!(
            parse("postgres://kim:hunter2@db.example/keydesk"),
            Err(TargetError::PasswordInUrl)
        );
        assert_eq!(
            parse("postgres://kim@db.example/keydesk?password=hunter2"),
            Err(TargetError::PasswordInUrl)
        );
    }

    #[test]
    fn tls_is_verified_unless_disabled_on_loopback() {
        let remote = parse("postgres://kim@db.example:6432/keydesk").unwrap();
        assert_eq!(remote.tls, Tls::VerifyFull(None));
        assert_eq!(remote.port, 6432);
        let pinned =
            parse("postgresql://kim@db.example/keydesk?sslmode=verify-full&sslrootcert=/ca.pem")
                .unwrap();
        assert_eq!(pinned.tls, Tls::VerifyFull(Some("/ca.pem".into())));
        assert_eq!(
            parse("postgres://kim@db.example/keydesk?sslmode=require")
                .unwrap()
                .tls,
            Tls::VerifyFull(None)
        );
        assert!(matches!(
            parse("postgres://kim@db.example/keydesk?sslmode=disable"),
            Err(TargetError::WeakTls(_))
        ));
        assert!(matches!(
            parse("postgres://kim@127.0.0.1/keydesk?sslmode=prefer"),
            Err(TargetError::WeakTls(_))
        ));
        let local = parse("postgres://kim@127.0.0.1:5433/keydesk?sslmode=disable").unwrap();
        assert_eq!(local.tls, Tls::Disabled);
        assert_eq!(
            local.to_string(),
            "postgres://kim@127.0.0.1:5433/keydesk?sslmode=disable"
        );
    }

    #[test]
    fn a_url_without_user_host_or_database_is_refused() {
        assert!(matches!(
            parse("postgres://db.example/keydesk"),
            Err(TargetError::Missing(_))
        ));
        assert!(matches!(
            parse("postgres://kim@db.example/"),
            Err(TargetError::Missing(_))
        ));
        assert!(matches!(
            parse("mysql://kim@db.example/k"),
            Err(TargetError::NotPostgres(_))
        ));
        assert!(matches!(
            parse("postgres://kim@db.example/k?application_name=x"),
            Err(TargetError::Unknown(_))
        ));
    }
}
