//! `keydesk-bench progress [POSTGRES_URL]`: how long a desk's job change takes to reach
//! another desk's LISTEN connection, over PostgreSQL.
//!
//! Desk 1 advances one user's job at a time (the transaction that writes the change
//! also announces it, `keydesk_store_pg::progress`); a thread holding desk 2's listener
//! timestamps each event as it arrives. The delay of one event is from just before desk
//! 1's call to the arrival at desk 2: the transaction, the commit, PostgreSQL's delivery
//! and the client's read. Changes are one after another (each waits for its event), so
//! no event queues behind another. Without a URL a throwaway cluster on loopback is
//! started (`keydesk_tests::pg`; `fsync=off`, so the commit costs less than on a
//! durable server: add a commit's fsync to the figure for one).

use std::sync::mpsc;
use std::time::{Duration, Instant};

use keydesk_core::job::JobEvent;
use keydesk_engine::port::JobStore;
use keydesk_store_pg::PgStore;
use keydesk_tests::pg::{Cluster, PASSWORD};
use serde_json::{json, Value};

const EVENTS: usize = 200;
const WARM_UP: usize = 10;
const WAIT: Duration = Duration::from_secs(10);

/// Runs the measurement; one JSON object.
pub fn measure(url: Option<&str>) -> Result<Value, String> {
    let cluster = url.is_none().then(Cluster::start);
    let url = match (&cluster, url) {
        (Some(cluster), _) => cluster.database("progress"),
        (None, Some(url)) => url.to_owned(),
        (None, None) => unreachable!("a cluster is started without a URL"),
    };
    let target = url.parse().map_err(|e| format!("{url}: {e}"))?;
    let password = std::env::var("PGPASSWORD").unwrap_or_else(|_| PASSWORD.into());
    let connect = |desk| PgStore::connect(&target, &password, desk).map_err(|e| e.to_string());
    let (desk_1, desk_2) = (connect("desk-1")?, connect("desk-2")?);
    let mut listener = desk_2.listen().map_err(|e| e.to_string())?;
    let (arrived, arrivals) = mpsc::channel();
    let hearing = std::thread::spawn(move || -> Result<(), String> {
        for _ in 0..WARM_UP + EVENTS {
            match listener.next(WAIT).map_err(|e| e.to_string())? {
                Some(event) => {
                    let _ = arrived.send((event.user_id, Instant::now()));
                }
                None => return Err(format!("no event within {WAIT:?}")),
            }
        }
        Ok(())
    });
    let mut delays = Vec::with_capacity(EVENTS);
    for n in 0..WARM_UP + EVENTS {
        let user = format!("bench-{n}");
        let sent = Instant::now();
        desk_1
            .advance(
                &user,
                &format!("{user}@example.org"),
                JobEvent::OptionsFetched,
                None,
            )
            .map_err(|e| e.to_string())?;
        let (heard, at) = arrivals
            .recv_timeout(WAIT)
            .map_err(|_| format!("desk 2 heard nothing of {user}"))?;
        if heard != user {
            return Err(format!("desk 2 heard {heard}, expected {user}"));
        }
        if n >= WARM_UP {
            delays.push(at.duration_since(sent).as_secs_f64() * 1000.0);
        }
    }
    hearing
        .join()
        .map_err(|_| "the listening thread panicked".to_string())??;
    delays.sort_by(f64::total_cmp);
    // The nearest-rank percentile: `per_cent` of the events took at most this long.
    let at = |per_cent: usize| delays[(delays.len() - 1) * per_cent / 100];
    Ok(json!({
        "events": delays.len(),
        "median_ms": round2(at(50)),
        "p95_ms": round2(at(95)),
        "max_ms": round2(at(100)),
        "build": if cfg!(debug_assertions) { "debug" } else { "release" },
        "server": if cluster.is_some() { "throwaway cluster on loopback, fsync off" } else { "given" },
    }))
}

fn round2(ms: f64) -> f64 {
    (ms * 100.0).round() / 100.0
}
