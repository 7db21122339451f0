//! A list of users worked over several keys at once: one worker per key, each taking the
//! next user from a shared queue, so a slow touch on one key never stalls another.

use std::collections::VecDeque;
use std::sync::Mutex;

use keydesk_core::DirectoryUser;

use crate::keys::KeySource;
use crate::{provision_user, Context, ProvisionError, Provisioned, Step};

/// How one user ended.
#[derive(Debug)]
pub enum Outcome {
    /// Registered now.
    Registered(Provisioned),
    /// The journal shows an earlier registration.
    AlreadyRegistered,
    /// Not eligible (guest, disabled).
    Skipped(String),
    /// Failed; the job is journaled as failed.
    Failed(ProvisionError),
}

/// Works `users` with `workers` concurrent jobs over the keys of `keys` (one job holds one
/// key, so `workers` should be the number of keys). `report` is called once per user, in
/// completion order. Stops early only when a journal write fails: nothing may be done
/// without the journal.
pub async fn run(
    ctx: &Context<'_>,
    users: Vec<DirectoryUser>,
    keys: &dyn KeySource,
    workers: usize,
    report: &(dyn Fn(&DirectoryUser, &Outcome) + Send + Sync),
) -> Result<(), ProvisionError> {
    let queue = Mutex::new(VecDeque::from(users));
    let quiet = |_: Step| {};
    let worker = || async {
        loop {
            let next = queue.lock().unwrap_or_else(|p| p.into_inner()).pop_front();
            let Some(user) = next else { return Ok(()) };
            let outcome = match provision_user(ctx, &user, keys, &quiet).await {
                Ok(done) => Outcome::Registered(done),
                Err(ProvisionError::AlreadyRegistered) => Outcome::AlreadyRegistered,
                Err(ProvisionError::NotEligible(why)) => Outcome::Skipped(why.to_owned()),
                Err(e @ ProvisionError::Journal(_)) => return Err(e),
                Err(e) => Outcome::Failed(e),
            };
            report(&user, &outcome);
        }
    };
    let results = futures::future::join_all((0..workers.max(1)).map(|_| worker())).await;
    results.into_iter().collect()
}
