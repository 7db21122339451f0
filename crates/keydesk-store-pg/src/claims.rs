//! Claims with leases on PostgreSQL: the engine's `ClaimStore`.
//!
//! A claim is a `claims` row (user, desk, until) whose times are the server's `now()`.
//! `claim` locks the row (`FOR UPDATE`), so two desks deciding on one user take turns;
//! two desks claiming a user nobody held both insert and one of them loses on the primary
//! key (`ON CONFLICT DO NOTHING`), which reads as "held". `claim_next` picks the first
//! open job with `FOR UPDATE OF jobs SKIP LOCKED`, so desks asking at once get different
//! users instead of queueing behind one another.

use std::time::Duration;

use keydesk_engine::journal::JobRecord;
use keydesk_engine::port::{lease_secs, open_states_sql, ClaimStore, Claimed, Lease, StoreError};
use postgres::GenericClient;

use crate::conn::PgStore;
use crate::error::store;
use crate::jobs::{record, COLUMNS};

/// Claims `user_id` for `desk` in the caller's transaction; `None` when another desk's
/// lease is live (or another desk inserted the first claim at the same moment).
fn claim_in(
    client: &mut impl GenericClient,
    user_id: &str,
    desk: &str,
    lease: Duration,
) -> Result<Option<Claimed>, StoreError> {
    let secs = lease_secs(lease);
    let held = client
        .query_opt(
            "SELECT desk, until > now() FROM claims WHERE user_id = $1 FOR UPDATE",
            &[&user_id],
        )
        .map_err(store)?;
    let claimed = match held.map(|r| (r.get::<_, String>(0), r.get::<_, bool>(1))) {
        None => {
            let n = client
                .execute(
                    "INSERT INTO claims (user_id, desk, until)
                     VALUES ($1, $2, now() + make_interval(secs => $3))
                     ON CONFLICT (user_id) DO NOTHING",
                    &[&user_id, &desk, &(secs as f64)],
                )
                .map_err(store)?;
            return Ok((n == 1).then_some(Claimed::Fresh));
        }
        Some((holder, _)) if holder == desk => Claimed::Renewed,
        Some((_, true)) => return Ok(None),
        Some((from, false)) => Claimed::TakenOver { from },
    };
    client
        .execute(
            "UPDATE claims SET desk = $2, until = now() + make_interval(secs => $3)
             WHERE user_id = $1",
            &[&user_id, &desk, &(secs as f64)],
        )
        .map_err(store)?;
    Ok(Some(claimed))
}

impl ClaimStore for PgStore {
    fn claim(
        &self,
        user_id: &str,
        desk: &str,
        lease: Duration,
    ) -> Result<Option<Claimed>, StoreError> {
        self.with(|client| {
            let mut tx = client.transaction().map_err(store)?;
            let claimed = claim_in(&mut tx, user_id, desk, lease)?;
            tx.commit().map_err(store)?;
            Ok(claimed)
        })
    }

    fn claim_next(
        &self,
        desk: &str,
        lease: Duration,
    ) -> Result<Option<(JobRecord, Claimed)>, StoreError> {
        let pick = format!(
            "SELECT {} FROM jobs j LEFT JOIN claims c ON c.user_id = j.user_id
             WHERE j.state IN ({}) AND (c.user_id IS NULL OR (c.desk <> $1 AND c.until <= now()))
             ORDER BY j.position, j.seq LIMIT 1 FOR UPDATE OF j SKIP LOCKED",
            COLUMNS
                .split(", ")
                .map(|c| format!("j.{}", c.trim()))
                .collect::<Vec<_>>()
                .join(", "),
            open_states_sql()
        );
        self.with(|client| loop {
            let mut tx = client.transaction().map_err(store)?;
            let Some(row) = tx.query_opt(&pick, &[&desk]).map_err(store)? else {
                return Ok(None);
            };
            let job = record(&row);
            // Lost a race with a direct `claim` of another desk: look for the next one.
            if let Some(claimed) = claim_in(&mut tx, &job.user_id, desk, lease)? {
                tx.commit().map_err(store)?;
                return Ok(Some((job, claimed)));
            }
        })
    }

    fn renew(&self, desk: &str, lease: Duration) -> Result<usize, StoreError> {
        let secs = lease_secs(lease) as f64;
        self.with(|client| {
            let n = client
                .execute(
                    "UPDATE claims SET until = now() + make_interval(secs => $2) WHERE desk = $1",
                    &[&desk, &secs],
                )
                .map_err(store)?;
            Ok(usize::try_from(n).unwrap_or(usize::MAX))
        })
    }

    fn release_all(&self, desk: &str) -> Result<usize, StoreError> {
        self.with(|client| {
            let n = client
                .execute("DELETE FROM claims WHERE desk = $1", &[&desk])
                .map_err(store)?;
            Ok(usize::try_from(n).unwrap_or(usize::MAX))
        })
    }

    fn release(&self, user_id: &str, desk: &str) -> Result<bool, StoreError> {
        self.with(|client| {
            let n = client
                .execute(
                    "DELETE FROM claims WHERE user_id = $1 AND desk = $2",
                    &[&user_id, &desk],
                )
                .map_err(store)?;
            Ok(n > 0)
        })
    }

    fn holder(&self, user_id: &str) -> Result<Option<Lease>, StoreError> {
        self.with(|client| {
            let row = client
                .query_opt(
                    "SELECT desk, floor(extract(epoch FROM until))::bigint FROM claims
                     WHERE user_id = $1",
                    &[&user_id],
                )
                .map_err(store)?;
            Ok(row.map(|r| Lease {
                desk: r.get(0),
                until: r.get(1),
            }))
        })
    }
}

impl PgStore {
    /// Every live claim (user id, desk), for a queue that shows "at desk 2".
    pub fn live_claims(&self) -> Result<Vec<(String, String)>, StoreError> {
        self.with(|client| {
            let rows = client
                .query(
                    "SELECT user_id, desk FROM claims WHERE until > now() ORDER BY user_id",
                    &[],
                )
                .map_err(store)?;
            Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
        })
    }
}
