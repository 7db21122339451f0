//! A desk as one of several working one group (`--store postgres://…`, for
//! `keydesk-cli provision` and the app).
//!
//! The desk keeps its SQLite journal in its data folder as always, and writes every job
//! change through to the shared store, fenced by its claim on the user
//! (`keydesk_store_pg`'s mirror). It works users it claims, a few at a time (one per
//! key): a user another desk had claimed and whose lease ran out is imported into this
//! journal first, so the engine's crash-resume reconciles it with Graph before anything
//! is sent again. A thread renews this desk's leases a third of the way through each.
//! PINs are sealed under a batch key of this run, wrapped by the pool's escrow key (the
//! pool secret from `KEYDESK_POOL_SECRET` once, then this desk's keyring), so another
//! desk can print them; each outcome is one entry in the shared audit chain.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use crate::pool::PoolSecret;
use crate::{PgStore, StoreTarget};
use keydesk_core::job::JobState;
use keydesk_core::DirectoryUser;
use keydesk_engine::batch::{self, Outcome, Watch};
use keydesk_engine::escrow::Escrow;
use keydesk_engine::escrow::EscrowKeys;
use keydesk_engine::journal::JobRecord;
use keydesk_engine::keys::KeySource;
use keydesk_engine::port::{ClaimStore, Claimed, JobStore, StoreError, OPEN_STATES};
use keydesk_engine::station::Station;
use keydesk_engine::{Context, Journal, ProvisionError};
use keydesk_graph::{KeyringStore, Secret, SecretKey, SecretStore};

/// This desk on a shared store.
pub struct Desk {
    store: PgStore,
    pool: PoolSecret,
    escrow: Escrow,
    lease: Duration,
}

/// The environment variable an administrator sets once per desk to hand over the pool
/// secret (then kept in the desk's keyring).
const POOL_SECRET_ENV: &str = "KEYDESK_POOL_SECRET";
/// How long a desk with nothing to claim waits before asking again.
const IDLE: Duration = Duration::from_millis(500);

impl Desk {
    /// Connects, joins the pool, and writes the station's journal through to the store.
    pub fn join(
        station: &Station,
        target: &StoreTarget,
        desk_name: Option<&str>,
        lease: Duration,
    ) -> Result<Desk, String> {
        let password =
            secret("PGPASSWORD", &format!("store-password {target}"))?.ok_or_else(|| {
                format!(
                    "no password for {target}: set PGPASSWORD (it is then kept in the OS keyring)"
                )
            })?;
        let pool = secret(POOL_SECRET_ENV, &format!("pool-secret {target}"))?
            .ok_or_else(|| {
                format!("no pool secret for {target}: the administrator sets {POOL_SECRET_ENV} once at this desk")
            })?;
        Self::join_with(station, target, desk_name, lease, &password, &pool)
    }

    /// [`Desk::join`] with the secrets given.
    pub fn join_with(
        station: &Station,
        target: &StoreTarget,
        desk_name: Option<&str>,
        lease: Duration,
        password: &Secret,
        pool: &Secret,
    ) -> Result<Desk, String> {
        let pool =
            PoolSecret::new(pool.expose()).map_err(|e| format!("{e}: {}", e.remediation()))?;
        let name = desk_name.map_or_else(host_name, str::to_owned);
        let store = PgStore::connect(target, password.expose(), &name)
            .map_err(|e| format!("{target}: {e}\n  {}", e.remediation()))?;
        let escrow = store
            .pool_escrow(&pool)
            .map_err(|e| format!("{e}\n  {}", e.remediation()))?;
        // Users this desk held when it last stopped go back to the queue; their rows say
        // where they stood, and this desk may well claim them again. The escrow batches
        // of its last run are closed: those whose letters are all out lose their keys.
        store
            .release_all(&name)
            .and_then(|_| store.close_batches(None))
            .map_err(|e| format!("{target}: {e}\n  {}", e.remediation()))?;
        station.journal.mirror_to(Arc::new(store.clone()));
        tracing::info!(desk = %name, store = %target, "joined the shared store");
        Ok(Desk {
            store,
            pool,
            escrow,
            lease,
        })
    }

    /// The shared store (this desk's name: `store().desk()`).
    pub fn store(&self) -> &PgStore {
        &self.store
    }

    /// How long this desk's claims last unless renewed.
    pub fn lease(&self) -> Duration {
        self.lease
    }

    /// The pool's escrow, for the context's PIN sealing.
    pub fn escrow(&self) -> &Escrow {
        &self.escrow
    }

    /// Claims `user` for this desk, to work the user alone (the app's *Provision*):
    /// `Ok(false)` when another desk holds the user. A user whose other desk's lease ran
    /// out is imported into this desk's journal first, so crash-resume reconciles it.
    pub fn claim_user(
        &self,
        journal: &Journal,
        user: &DirectoryUser,
    ) -> Result<bool, ProvisionError> {
        self.store.enqueue(&user.id, &user.upn).map_err(shared)?;
        let Some(how) = self
            .store
            .claim(&user.id, self.store.desk(), self.lease)
            .map_err(shared)?
        else {
            return Ok(false);
        };
        if let Some(job) = self.store.job(&user.id).map_err(shared)? {
            adopt(journal, job, &how)?;
        }
        Ok(true)
    }

    /// Gives `user_id` back to the queue of every desk.
    pub fn release_user(&self, user_id: &str) -> Result<(), ProvisionError> {
        self.store
            .release(user_id, self.store.desk())
            .map(drop)
            .map_err(shared)
    }

    /// Keeps this desk's claims alive until the returned guard is dropped.
    pub fn keep_claims(&self) -> Renewal {
        let (stop, handle) = self.renew_in_background();
        Renewal {
            stop: Some(stop),
            handle: Some(handle),
        }
    }

    /// The users other desks hold now: user id → desk name.
    pub fn held_elsewhere(&self) -> Result<HashMap<String, String>, StoreError> {
        let me = self.store.desk();
        Ok(self
            .store
            .live_claims()?
            .into_iter()
            .filter(|(_, desk)| desk != me)
            .collect())
    }

    /// One entry in the shared audit chain for `user`'s outcome.
    pub fn audit(&self, user: &DirectoryUser, outcome: &Outcome) {
        let line = match outcome {
            Outcome::Registered(done) => format!(
                "registered {} ({}) key {}",
                user.upn,
                user.id,
                done.key_serial.as_deref().unwrap_or("?")
            ),
            Outcome::AlreadyRegistered => format!("already registered {}", user.upn),
            Outcome::Skipped(why) => format!("skipped {}: {why}", user.upn),
            Outcome::Failed(e) => format!("failed {}: {e}", user.upn),
        };
        if let Err(e) = self.store.audit_append(&self.pool, &line) {
            tracing::warn!(error = %e, "shared audit entry not written");
        }
    }

    /// Works `users` with the other desks: claims, then the ordinary batch over them.
    pub async fn run(
        &self,
        ctx: &Context<'_>,
        users: Vec<DirectoryUser>,
        keys: &dyn KeySource,
        workers: usize,
        report: &(dyn Fn(&DirectoryUser, &Outcome) + Send + Sync),
    ) -> Result<(), ProvisionError> {
        self.run_watched(ctx, users, keys, workers, &Watch::UNWATCHED, report)
            .await
    }

    /// [`Desk::run`], telling `watch.step` each user's steps and claiming no new user once
    /// `watch.stop` is set (the app's *Start batch* / *Stop batch*): the users in progress
    /// finish, and every claim this run took is released.
    pub async fn run_watched(
        &self,
        ctx: &Context<'_>,
        users: Vec<DirectoryUser>,
        keys: &dyn KeySource,
        workers: usize,
        watch: &Watch<'_>,
        report: &(dyn Fn(&DirectoryUser, &Outcome) + Send + Sync),
    ) -> Result<(), ProvisionError> {
        for user in &users {
            self.store.enqueue(&user.id, &user.upn).map_err(shared)?;
        }
        let by_id: HashMap<String, DirectoryUser> =
            users.into_iter().map(|u| (u.id.clone(), u)).collect();
        let stopped = || watch.stop.load(Ordering::SeqCst);
        let (stop, renewer) = self.renew_in_background();
        let result = async {
            loop {
                if stopped() {
                    return Ok(());
                }
                let mut chunk = Vec::new();
                while chunk.len() < workers.max(1) {
                    let Some((job, how)) = self
                        .store
                        .claim_next(self.store.desk(), self.lease)
                        .map_err(shared)?
                    else {
                        break;
                    };
                    let Some(user) = by_id.get(&job.user_id) else {
                        // Not in this desk's selection: leave it to the others.
                        self.store
                            .release(&job.user_id, self.store.desk())
                            .map_err(shared)?;
                        continue;
                    };
                    adopt(ctx.journal, job, &how)?;
                    chunk.push(user.clone());
                }
                if chunk.is_empty() {
                    if !self.others_working(&by_id).map_err(shared)? {
                        return Ok(());
                    }
                    tokio::time::sleep(IDLE).await;
                    continue;
                }
                let ids: Vec<String> = chunk.iter().map(|u| u.id.clone()).collect();
                let worked = batch::run_watched(ctx, chunk, keys, workers, watch, report).await;
                // Released even when the batch stopped or failed: a user not taken goes
                // back to the queue of every desk at once, not when the lease runs out.
                for id in ids {
                    self.store.release(&id, self.store.desk()).map_err(shared)?;
                }
                worked?;
            }
        }
        .await;
        drop(stop);
        let _ = renewer.join();
        if result.is_err() {
            // A failed claim or adoption leaves no user held by this desk.
            let _ = self.store.release_all(self.store.desk());
        }
        result
    }

    /// Whether some user of this selection is still open (held by a live desk).
    fn others_working(&self, by_id: &HashMap<String, DirectoryUser>) -> Result<bool, StoreError> {
        Ok(self
            .store
            .jobs()?
            .iter()
            .any(|j| by_id.contains_key(&j.user_id) && OPEN_STATES.contains(&j.state)))
    }

    /// Renews this desk's leases every third of a lease until the sender is dropped.
    fn renew_in_background(&self) -> (mpsc::Sender<()>, std::thread::JoinHandle<()>) {
        let (stop, stopped) = mpsc::channel::<()>();
        let store = self.store.clone();
        let lease = self.lease;
        let handle = std::thread::spawn(move || {
            while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(lease / 3) {
                if let Err(e) = store.renew(store.desk(), lease) {
                    tracing::warn!(error = %e, "renewing this desk's claims failed");
                }
            }
        });
        (stop, handle)
    }
}

/// Renews a desk's claims while it lives (see [`Desk::keep_claims`]).
pub struct Renewal {
    stop: Option<mpsc::Sender<()>>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Renewal {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

fn shared(e: StoreError) -> ProvisionError {
    ProvisionError::Journal(keydesk_engine::journal::JournalError::Shared(Box::new(e)))
}

/// Makes this desk's journal hold what the shared store holds for a claimed job: the
/// shared row is the newer (it is written through before every side effect). A job taken
/// over mid-flow keeps its attempt and sealed PIN, so crash-resume reconciles it; a job
/// that had not reached the POST starts again on one of this desk's keys, so the key and
/// PIN of the other desk's key are dropped.
fn adopt(journal: &Journal, mut job: JobRecord, how: &Claimed) -> Result<(), ProvisionError> {
    let local = journal.job(&job.user_id)?.map(|j| j.state);
    if job.state == JobState::Pending || local == Some(job.state) {
        return Ok(());
    }
    if matches!(how, Claimed::TakenOver { .. })
        && matches!(
            job.state,
            JobState::OptionsFetched | JobState::SettingPin | JobState::MakingCredential
        )
    {
        job.key_serial = None;
        job.pin_sealed = None;
    }
    journal.import(&job)?;
    Ok(())
}

/// Connects to the shared store as this desk (`desk_name`, else the host name) with the
/// password (`PGPASSWORD` once, then the OS keyring) and the pool secret
/// (`KEYDESK_POOL_SECRET` once, then the OS keyring).
pub fn connect(
    target: &StoreTarget,
    desk_name: Option<&str>,
) -> Result<(PgStore, PoolSecret), String> {
    let password = secret("PGPASSWORD", &format!("store-password {target}"))?.ok_or_else(|| {
        format!("no password for {target}: set PGPASSWORD (it is then kept in the OS keyring)")
    })?;
    let pool = secret(POOL_SECRET_ENV, &format!("pool-secret {target}"))?.ok_or_else(|| {
        format!(
            "no pool secret for {target}: the administrator sets {POOL_SECRET_ENV} once at this desk"
        )
    })?;
    let pool = PoolSecret::new(pool.expose()).map_err(|e| format!("{e}: {}", e.remediation()))?;
    let name = desk_name.map_or_else(host_name, str::to_owned);
    let store = PgStore::connect(target, password.expose(), &name)
        .map_err(|e| format!("{target}: {e}\n  {}", e.remediation()))?;
    Ok((store, pool))
}

/// A secret from the environment variable `env` (then kept in the OS keyring under
/// `name`, so it is entered once), else from the OS keyring. Never written to a file: with
/// no keyring, the variable is needed at every start.
fn secret(env: &str, name: &str) -> Result<Option<Secret>, String> {
    let keyring = KeyringStore::new();
    let key = SecretKey::named(name);
    if let Ok(value) = std::env::var(env) {
        let value = Secret::new(value);
        if let Err(e) = keyring.set(&key, &value) {
            tracing::warn!(error = %e, "{env} not kept (no OS keyring); give it at each start");
        }
        return Ok(Some(value));
    }
    keyring
        .get(&key)
        .map_err(|e| format!("{env} is not set and the OS keyring cannot be read: {e}"))
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "desk".into())
}
