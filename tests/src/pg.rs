//! A throwaway PostgreSQL cluster for tests: `initdb` into a temporary folder, started with
//! `pg_ctl` as the OS user `postgres` on a free loopback port, with a password-protected
//! role, and stopped (immediate mode) and deleted when the [`Cluster`] is dropped, also
//! when a test panics. Nothing is skipped: when Debian's `postgresql` package is missing
//! or the cluster does not start, [`Cluster::start`] panics with the reason.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The role tests connect as, and its password (handed over as `PGPASSWORD`).
pub const USER: &str = "keydesk";
/// The test role's password: a test value, not a secret.
pub const PASSWORD: &str = "keydesk-test-password";

/// A running throwaway cluster.
pub struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

impl Cluster {
    /// Starts a cluster; panics saying why when it cannot.
    pub fn start() -> Cluster {
        match Self::try_start() {
            Ok(cluster) => cluster,
            Err(why) => panic!("PostgreSQL for tests: {why}"),
        }
    }

    fn try_start() -> Result<Cluster, String> {
        let bin = find_bin()?;
        let dir = tempfile::Builder::new()
            .prefix("keydesk-pg")
            .tempdir()
            .map_err(|e| format!("temporary folder: {e}"))?;
        let data = dir.path().join("data");
        let pwfile = dir.path().join("pw");
        std::fs::write(&pwfile, PASSWORD).map_err(|e| format!("password file: {e}"))?;
        run(Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir.path()))?;
        let port = free_port()?;
        let cluster = Cluster { bin, dir, port };
        cluster.as_postgres(
            "initdb",
            &[
                "-D",
                path_str(&data)?,
                "-U",
                USER,
                "--auth=scram-sha-256",
                "--pwfile",
                path_str(&pwfile)?,
                "--no-sync",
            ],
        )?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            path_str(cluster.dir.path())?
        );
        let log = cluster.dir.path().join("log");
        cluster.as_postgres(
            "pg_ctl",
            &[
                "-D",
                path_str(&data)?,
                "-l",
                path_str(&log)?,
                "-o",
                &options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        )?;
        Ok(cluster)
    }

    /// The port it listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A connection URL for a fresh database `name` (created now), without a password:
    /// the password is [`PASSWORD`], to be given as `PGPASSWORD`.
    pub fn database(&self, name: &str) -> String {
        let path = |p: &Path| p.display().to_string();
        self.as_postgres(
            "createdb",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                USER,
                name,
            ],
        )
        .unwrap_or_else(|why| {
            let log = std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default();
            panic!(
                "createdb {name}: {why}\n{} log:\n{log}",
                path(self.dir.path())
            )
        });
        format!(
            "postgres://{USER}@127.0.0.1:{}/{name}?sslmode=disable",
            self.port
        )
    }

    /// Runs `sql` in database `name` with `psql` as the test role (what an attacker with
    /// the database, or an administrator, would do); panics when it fails.
    pub fn psql(&self, name: &str, sql: &str) {
        let port = self.port.to_string();
        let args = ["-h", "127.0.0.1", "-p", &port, "-U", USER, "-d", name];
        self.as_postgres(
            "psql",
            &[&args[..], &["-v", "ON_ERROR_STOP=1", "-c", sql]].concat(),
        )
        .unwrap_or_else(|why| panic!("psql {name}: {why}"));
    }

    fn as_postgres(&self, tool: &str, args: &[&str]) -> Result<(), String> {
        run(Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join(tool))
            .args(args)
            .env("PGPASSWORD", PASSWORD))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }
}

fn find_bin() -> Result<PathBuf, String> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|e| {
            format!(
                "/usr/lib/postgresql: {e}: install Debian's postgresql package (scripts/setup.sh)"
            )
        })?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    found.sort();
    found
        .pop()
        .ok_or_else(|| "no initdb under /usr/lib/postgresql/*/bin".to_string())
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("free port: {e}"))
}

fn path_str(path: &Path) -> Result<&str, String> {
    path.to_str()
        .ok_or_else(|| format!("{} is not UTF-8", path.display()))
}

fn run(command: &mut Command) -> Result<(), String> {
    let out = command.output().map_err(|e| format!("{command:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}
