//! Live progress across desks over LISTEN/NOTIFY: each job change is announced on
//! [`CHANNEL`] in the transaction that makes it (so a rolled-back change is never
//! announced), naming the desk, the user and the new state; a queue shows "at desk 2"
//! from it. A [`Listener`] holds its own connection.

use std::time::Duration;

use keydesk_core::job::JobState;
use keydesk_engine::port::{StoreError, StoreErrorKind};
use postgres::fallible_iterator::FallibleIterator;
use postgres::GenericClient;
use serde::{Deserialize, Serialize};

use crate::conn::{off_runtime, Conn, PgStore};
use crate::error::{other, store};

/// The notification channel.
pub const CHANNEL: &str = "keydesk_progress";

/// One job change at some desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressEvent {
    /// The desk that made the change.
    pub desk: String,
    /// The user whose job changed.
    pub user_id: String,
    /// The job's new state (`JobState::as_str`).
    pub state: String,
}

impl ProgressEvent {
    /// The new state, parsed.
    pub fn job_state(&self) -> Option<JobState> {
        JobState::parse(&self.state)
    }
}

/// Announces a change inside the caller's transaction.
pub(crate) fn notify(
    client: &mut impl GenericClient,
    desk: &str,
    user_id: &str,
    state: JobState,
) -> Result<(), StoreError> {
    let event = ProgressEvent {
        desk: desk.to_string(),
        user_id: user_id.to_string(),
        state: state.as_str().to_string(),
    };
    let payload = serde_json::to_string(&event).expect("an event always serialises");
    client
        .execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &payload])
        .map_err(store)
        .map(drop)
}

/// Receives every desk's progress on a connection of its own.
pub struct Listener {
    conn: Conn,
}

impl Listener {
    /// Waits up to `timeout` for the next event; `None` when none came.
    pub fn next(&mut self, timeout: Duration) -> Result<Option<ProgressEvent>, StoreError> {
        let client = self.conn.0.as_mut().expect("a connection until dropped");
        off_runtime(move || {
            let mut notes = client.notifications();
            let mut iter = notes.timeout_iter(timeout);
            let Some(note) = iter.next().map_err(store)? else {
                return Ok(None);
            };
            serde_json::from_str(note.payload())
                .map(Some)
                .map_err(|e| other(StoreErrorKind::Backend, format!("progress event: {e}")))
        })
    }
}

impl PgStore {
    /// Starts listening to every desk's progress (this desk's too).
    pub fn listen(&self) -> Result<Listener, StoreError> {
        let mut conn = self.open_another()?;
        let client = conn.0.as_mut().expect("a fresh connection");
        off_runtime(|| {
            client
                .batch_execute(&format!("LISTEN {CHANNEL}"))
                .map_err(store)
        })?;
        Ok(Listener { conn })
    }
}
