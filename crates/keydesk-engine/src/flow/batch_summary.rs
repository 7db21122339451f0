//! What a batch did, for the window's summary and its export: when it started and ended,
//! each user's outcome (registered, failed with why, skipped with why) and the key it was
//! on, the counts per key model and per failure reason, and the pace. Counts go by model,
//! the name a key card shows: each user leaves with a key of their own, so a count per
//! serial would be one line per user. Built by the caller from
//! `batch::run`'s report as outcomes arrive; exported as CSV or JSON by [`BatchSummary::csv`]
//! and [`BatchSummary::json`], which the caller writes.
//!
//! It holds no PIN and no secret: a registered user's row names the key and the time only.
//! Not here: writing the file (the caller's), the batch itself (`batch`).

use std::collections::BTreeMap;

use keydesk_core::csv::write_record;
use keydesk_core::rfc3339::format_unix;
use serde::Serialize;

/// How one user of the batch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Ending {
    /// A passkey was registered.
    Registered,
    /// Stopped with an error.
    Failed,
    /// Not eligible, or refused before anything was written.
    Skipped,
}

impl Ending {
    fn as_str(self) -> &'static str {
        match self {
            Ending::Registered => "registered",
            Ending::Failed => "failed",
            Ending::Skipped => "skipped",
        }
    }
}

/// One user's line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserEnding {
    /// Entra object id.
    pub user_id: String,
    /// userPrincipalName.
    pub upn: String,
    /// How it ended.
    pub ending: Ending,
    /// Why it failed or was skipped.
    pub reason: Option<String>,
    /// The key's model, as the key cards name it, when a key was used.
    pub key_model: Option<String>,
    /// The key's serial (or source id), when a key was used.
    pub key_serial: Option<String>,
    /// When (Unix seconds).
    pub at: i64,
}

/// Registrations and failures on keys of one model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyCount {
    /// The model, or "no key" for failures before a key was used.
    pub key: String,
    /// Passkeys registered on it.
    pub registered: u32,
    /// Users that failed on it.
    pub failed: u32,
}

/// A batch, as it went.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchSummary {
    /// When it started (Unix seconds).
    pub started_at: i64,
    /// When it ended, once it has.
    pub ended_at: Option<i64>,
    /// *Stop batch* ended it before the queue was done.
    pub stopped: bool,
    /// Each user, in the order they ended.
    pub users: Vec<UserEnding>,
}

/// What [`KeyCount::key`] says for failures that never reached a key.
pub const NO_KEY: &str = "no key";

impl BatchSummary {
    /// A batch starting at `at`.
    pub fn new(at: i64) -> BatchSummary {
        BatchSummary {
            started_at: at,
            ended_at: None,
            stopped: false,
            users: Vec::new(),
        }
    }

    /// Records how a user ended.
    pub fn record(&mut self, ending: UserEnding) {
        self.users.push(ending);
    }

    /// The batch ended at `at`.
    pub fn end(&mut self, at: i64, stopped: bool) {
        self.ended_at = Some(at);
        self.stopped = stopped;
    }

    /// Seconds from start to end (or to the last user while running).
    pub fn duration_secs(&self) -> i64 {
        let last = self.users.iter().map(|u| u.at).max();
        let end = self.ended_at.or(last).unwrap_or(self.started_at);
        (end - self.started_at).max(0)
    }

    /// How many users ended so.
    pub fn count(&self, ending: Ending) -> u32 {
        let n = self.users.iter().filter(|u| u.ending == ending).count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// Registrations per hour over the whole batch; `None` under a minute.
    pub fn per_hour(&self) -> Option<f64> {
        let secs = self.duration_secs();
        (secs >= 60).then(|| f64::from(self.count(Ending::Registered)) * 3600.0 / secs as f64)
    }

    /// Registrations and failures per key model, busiest first (ties by name).
    pub fn per_key(&self) -> Vec<KeyCount> {
        let mut keys: BTreeMap<&str, KeyCount> = BTreeMap::new();
        for user in &self.users {
            let name = user.key_model.as_deref().unwrap_or(NO_KEY);
            let count = keys.entry(name).or_insert_with(|| KeyCount {
                key: name.to_owned(),
                registered: 0,
                failed: 0,
            });
            match user.ending {
                Ending::Registered => count.registered += 1,
                Ending::Failed => count.failed += 1,
                Ending::Skipped => {}
            }
        }
        let mut keys: Vec<KeyCount> = keys
            .into_values()
            .filter(|k| k.registered + k.failed > 0)
            .collect();
        keys.sort_by_key(|k| std::cmp::Reverse(k.registered + k.failed));
        keys
    }

    /// Failure and skip reasons with how many users each, most frequent first.
    pub fn reasons(&self) -> Vec<(String, u32)> {
        let mut reasons: BTreeMap<&str, u32> = BTreeMap::new();
        for user in self.users.iter().filter(|u| u.ending != Ending::Registered) {
            *reasons
                .entry(user.reason.as_deref().unwrap_or("no reason given"))
                .or_default() += 1;
        }
        let mut reasons: Vec<(String, u32)> = reasons
            .into_iter()
            .map(|(r, n)| (r.to_owned(), n))
            .collect();
        reasons.sort_by_key(|r| std::cmp::Reverse(r.1));
        reasons
    }

    /// The summary as CSV: a `#` header block of totals, then a line per user.
    pub fn csv(&self) -> String {
        let mut out = String::new();
        let ended = self.ended_at.map(format_unix).unwrap_or_default();
        let per_hour = self
            .per_hour()
            .map(|p| format!("{p:.1}"))
            .unwrap_or_default();
        for (name, value) in [
            ("started", format_unix(self.started_at)),
            ("ended", ended),
            ("duration_seconds", self.duration_secs().to_string()),
            ("stopped", self.stopped.to_string()),
            ("registered", self.count(Ending::Registered).to_string()),
            ("failed", self.count(Ending::Failed).to_string()),
            ("skipped", self.count(Ending::Skipped).to_string()),
            ("registered_per_hour", per_hour),
        ] {
            write_record(&mut out, &[format!("# {name}"), value]);
        }
        for key in self.per_key() {
            let (r, f) = (key.registered.to_string(), key.failed.to_string());
            write_record(&mut out, &["# key", key.key.as_str(), &r, &f]);
        }
        for (reason, n) in self.reasons() {
            write_record(&mut out, &["# reason", reason.as_str(), &n.to_string()]);
        }
        write_record(
            &mut out,
            &[
                "upn",
                "user_id",
                "ending",
                "key_model",
                "key_serial",
                "at",
                "reason",
            ],
        );
        for u in &self.users {
            write_record(
                &mut out,
                &[
                    u.upn.as_str(),
                    &u.user_id,
                    u.ending.as_str(),
                    u.key_model.as_deref().unwrap_or(""),
                    u.key_serial.as_deref().unwrap_or(""),
                    &format_unix(u.at),
                    u.reason.as_deref().unwrap_or(""),
                ],
            );
        }
        out
    }

    /// The summary as JSON: the fields above plus the totals, per key model and reasons.
    pub fn json(&self) -> String {
        let reasons: Vec<_> = self
            .reasons()
            .into_iter()
            .map(|(reason, users)| serde_json::json!({ "reason": reason, "users": users }))
            .collect();
        let value = serde_json::json!({
            "startedAt": format_unix(self.started_at),
            "endedAt": self.ended_at.map(format_unix),
            "durationSeconds": self.duration_secs(),
            "stopped": self.stopped,
            "registered": self.count(Ending::Registered),
            "failed": self.count(Ending::Failed),
            "skipped": self.count(Ending::Skipped),
            "registeredPerHour": self.per_hour(),
            "keys": self.per_key(),
            "reasons": reasons,
            "users": self.users,
        });
        serde_json::to_string_pretty(&value).expect("a summary always serialises")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ending(upn: &str, ending: Ending, serial: Option<&str>, reason: Option<&str>) -> UserEnding {
        UserEnding {
            user_id: format!("id-{upn}"),
            upn: upn.to_owned(),
            ending,
            reason: reason.map(str::to_owned),
            key_model: serial.map(|s| {
                if s.starts_with('Y') {
                    "YubiKey 5 NFC"
                } else {
                    "Soft Key"
                }
                .to_owned()
            }),
            key_serial: serial.map(str::to_owned),
            at: 1_795_942_900,
        }
    }

    /// Each user on a key of their own: two models, one failure on a soft key, one skip.
    fn sample() -> BatchSummary {
        let mut s = BatchSummary::new(1_795_942_800);
        s.record(ending("kim@x", Ending::Registered, Some("S1"), None));
        s.record(ending("lee@x", Ending::Registered, Some("Y2"), None));
        s.record(ending(
            "ann@x",
            Ending::Failed,
            Some("S3"),
            Some("key removed"),
        ));
        let disabled = Some("account is disabled");
        s.record(ending("bo@x", Ending::Skipped, None, disabled));
        s.record(ending("cy@x", Ending::Registered, Some("S4"), None));
        s.end(1_795_944_600, false);
        s
    }

    #[test]
    fn counts_per_key_model_and_reason_and_the_pace_over_the_whole_batch() {
        let s = sample();
        assert_eq!(s.duration_secs(), 1800);
        let counts = [Ending::Registered, Ending::Failed, Ending::Skipped].map(|e| s.count(e));
        assert_eq!(counts, [3, 1, 1]);
        assert_eq!(s.per_hour(), Some(6.0));
        let keys: Vec<_> = s
            .per_key()
            .into_iter()
            .map(|k| (k.key, k.registered, k.failed))
            .collect();
        assert_eq!(
            keys,
            [
                ("Soft Key".to_owned(), 2, 1),
                ("YubiKey 5 NFC".to_owned(), 1, 0)
            ]
        );
        assert_eq!(s.reasons().len(), 2);
    }

    #[test]
    fn the_csv_and_json_exports_hold_every_user_and_no_pin() {
        let s = sample();
        let csv = s.csv();
        assert!(
            csv.starts_with("# started,2026-11-29T09:00:00Z\r\n"),
            "{csv}"
        );
        assert!(csv.contains("# key,Soft Key,2,1\r\n"), "{csv}");
        assert!(csv.contains("ann@x,id-ann@x,failed,Soft Key,S3,"), "{csv}");
        assert_eq!(csv.lines().filter(|l| !l.starts_with('#')).count(), 6);
        let json: serde_json::Value = serde_json::from_str(&s.json()).unwrap();
        assert_eq!(json["registered"], 3);
        assert_eq!(json["users"].as_array().unwrap().len(), 5);
        assert_eq!(json["users"][2]["keySerial"], "S3");
        assert_eq!(json["keys"][0]["failed"], 1);
        assert!(!s.json().to_lowercase().contains("pin"));
    }
}
