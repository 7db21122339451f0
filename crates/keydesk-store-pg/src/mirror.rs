//! A desk's journal written through to the shared store (`keydesk_engine::mirror`), fenced
//! by the claim: a change is written only while this desk holds the user's claim. A desk
//! that hung past its lease and was taken over finds its next write refused (a conflict)
//! and stops before the side effect, so two desks never act on one user.

use keydesk_engine::inventory::InventoryEntry;
use keydesk_engine::journal::JobRecord;
use keydesk_engine::letter_facts::LetterJob;
use keydesk_engine::mirror::JournalMirror;
use keydesk_engine::port::{InventoryStore, StoreError, StoreErrorKind, OPEN_STATES};

use crate::batches;
use crate::conn::PgStore;
use crate::error::{other, store};
use crate::letters;
use crate::progress;

impl JournalMirror for PgStore {
    fn mirror(&self, job: &JobRecord) -> Result<(), StoreError> {
        let desk = self.desk.clone();
        let attempt = job
            .attempt
            .as_ref()
            .map(|a| serde_json::to_string(a).expect("an attempt always serialises"));
        self.with(move |client| {
            let mut tx = client.transaction().map_err(store)?;
            let holder: Option<String> = tx
                .query_opt(
                    "SELECT desk FROM claims WHERE user_id = $1 FOR UPDATE",
                    &[&job.user_id],
                )
                .map_err(store)?
                .map(|r| r.get(0));
            if holder.as_deref() != Some(desk.as_str()) {
                let holder = holder.unwrap_or_else(|| "no desk".into());
                return Err(other(
                    StoreErrorKind::Conflict,
                    format!(
                        "{} is held by {holder}, not by {desk}: this desk's claim ran out",
                        job.upn
                    ),
                ));
            }
            tx.execute(
                "INSERT INTO jobs (user_id, upn, state, detail, credential_id, method_id,
                     key_serial, key_model, key_aaguid, pin_sealed, attempt, updated_by,
                     position)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
                     (SELECT COALESCE(MAX(position), 0) + 1 FROM jobs))
                 ON CONFLICT (user_id) DO UPDATE SET upn = $2, state = $3, detail = $4,
                     credential_id = $5, method_id = $6, key_serial = $7, key_model = $8,
                     key_aaguid = $9, pin_sealed = $10, attempt = $11, updated_by = $12,
                     updated_at = now()",
                &[
                    &job.user_id,
                    &job.upn,
                    &job.state.as_str(),
                    &job.detail,
                    &job.credential_id,
                    &job.method_id,
                    &job.key_serial,
                    &job.key_model,
                    &job.key_aaguid,
                    &job.pin_sealed,
                    &attempt,
                    &desk,
                ],
            )
            .map_err(store)?;
            // A wiped PIN (a delivered letter) may be its closed batch's last.
            let destroyed = if job.pin_sealed.is_none() && !OPEN_STATES.contains(&job.state) {
                batches::destroy_unused(&mut tx)?
            } else {
                0
            };
            progress::notify(&mut tx, &desk, &job.user_id, job.state)?;
            tx.commit().map_err(store)?;
            if destroyed > 0 {
                batches::vacuum(client)?;
            }
            Ok(())
        })
    }

    fn letter_facts(&self, job: &LetterJob) -> Result<(), StoreError> {
        self.with(|client| letters::write_facts(client, job))
    }

    fn inventory(&self, entry: &InventoryEntry) -> Result<(), StoreError> {
        self.add_inventory(entry).map(drop)
    }
}
