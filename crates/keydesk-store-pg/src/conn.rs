//! Connecting, and running the sync `postgres` client off the engine's async runtime.
//!
//! The `postgres` client drives a runtime of its own and panics when called on a thread
//! that runs tokio tasks; [`off_runtime`] moves such a call to a scoped thread, so the
//! engine can call the store from async code the way it calls its SQLite journal.

use std::sync::{Arc, Mutex, MutexGuard};

use keydesk_engine::port::{StoreError, StoreErrorKind};
use postgres::{Client, NoTls};
use zeroize::Zeroizing;

use crate::error::{other, store};
use crate::migrate;
use crate::target::{StoreTarget, Tls};

/// One desk's connection to the shared store. Cheap to share (`Arc` inside).
#[derive(Clone)]
pub struct PgStore {
    client: Arc<Mutex<Conn>>,
    pub(crate) desk: String,
    pub(crate) target: StoreTarget,
    password: Arc<Zeroizing<String>>,
}

impl PgStore {
    /// Connects to `target` as desk `desk` with `password` (from the OS keyring or
    /// `PGPASSWORD`; never logged) and applies the schema's migrations.
    pub fn connect(
        target: &StoreTarget,
        password: &str,
        desk: &str,
    ) -> Result<PgStore, StoreError> {
        let password = Arc::new(Zeroizing::new(password.to_string()));
        let client = off_runtime(|| open(target, &password))?;
        let store = PgStore {
            client: Arc::new(Mutex::new(Conn(Some(client)))),
            desk: desk.to_string(),
            target: target.clone(),
            password,
        };
        store.with(migrate::apply)?;
        Ok(store)
    }

    /// This desk's name, as claims, audit entries and progress events carry it.
    pub fn desk(&self) -> &str {
        &self.desk
    }

    /// Where this store is (for the header; never holds a password).
    pub fn target(&self) -> &StoreTarget {
        &self.target
    }

    /// A second connection to the same database (the progress listener needs its own).
    pub(crate) fn open_another(&self) -> Result<Conn, StoreError> {
        off_runtime(|| open(&self.target, &self.password)).map(|c| Conn(Some(c)))
    }

    /// Runs `f` on this desk's connection, off the async runtime.
    pub(crate) fn with<T: Send>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<T, StoreError> + Send,
    ) -> Result<T, StoreError> {
        off_runtime(|| f(self.lock().0.as_mut().expect("a connection until dropped")))
    }

    fn lock(&self) -> MutexGuard<'_, Conn> {
        // A panic mid-call leaves PostgreSQL consistent: an open transaction is rolled
        // back when the client drops it.
        self.client
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A connection that is closed off the async runtime: dropping a `postgres::Client`
/// blocks on its own runtime, which may not happen on a thread that drives tokio tasks.
pub(crate) struct Conn(pub(crate) Option<Client>);

impl Drop for Conn {
    fn drop(&mut self) {
        if let Some(client) = self.0.take() {
            off_runtime(move || drop(client));
        }
    }
}

/// Runs `f` on a thread outside any tokio runtime when called from inside one.
pub(crate) fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|s| match s.spawn(f).join() {
        Ok(out) => out,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

fn open(target: &StoreTarget, password: &str) -> Result<Client, StoreError> {
    let mut config = postgres::Config::new();
    config
        .host(&target.host)
        .port(target.port)
        .user(&target.user)
        .dbname(&target.database)
        .password(password)
        .application_name("keydesk")
        .connect_timeout(std::time::Duration::from_secs(10));
    match &target.tls {
        Tls::Disabled => config.connect(NoTls).map_err(store),
        Tls::VerifyFull(root) => {
            config.ssl_mode(postgres::config::SslMode::Require);
            let tls =
                tokio_postgres_rustls::MakeRustlsConnect::new(client_config(root.as_deref())?);
            config.connect(tls).map_err(store)
        }
    }
}

/// rustls with the OS roots, or the roots in `pem`: certificate and host name checked.
fn client_config(pem: Option<&std::path::Path>) -> Result<rustls::ClientConfig, StoreError> {
    let unreachable = |m: String| other(StoreErrorKind::Unreachable, m);
    let mut roots = rustls::RootCertStore::empty();
    match pem {
        Some(path) => {
            use rustls::pki_types::pem::PemObject;
            let certs = rustls::pki_types::CertificateDer::pem_file_iter(path)
                .map_err(|e| unreachable(format!("sslrootcert {}: {e}", path.display())))?;
            for cert in certs {
                let cert =
                    cert.map_err(|e| unreachable(format!("sslrootcert {}: {e}", path.display())))?;
                roots
                    .add(cert)
                    .map_err(|e| unreachable(format!("sslrootcert {}: {e}", path.display())))?;
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(found.certs);
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| unreachable(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}
