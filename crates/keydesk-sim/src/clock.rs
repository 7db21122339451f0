//! The simulated clock: wall-clock time plus an offset that tests move forward.
//!
//! Token and challenge expiry compare against this clock, never against `SystemTime`
//! directly, so `POST /_sim/clock` can expire a challenge without waiting for it. The
//! `Date` header of every response is this clock too.

use std::sync::Mutex;
use std::time::Duration;

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::OffsetDateTime;

/// Wall-clock time shifted by an adjustable offset.
#[derive(Debug, Default)]
pub struct SimClock {
    offset: Mutex<Duration>,
}

impl SimClock {
    /// The current simulated time, in UTC.
    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + *self.offset.lock().expect("clock lock")
    }

    /// Moves the simulated time forward.
    pub fn advance(&self, by: Duration) {
        *self.offset.lock().expect("clock lock") += by;
    }
}

/// RFC 3339 with a `Z` and whole seconds, as Graph writes `challengeTimeoutDateTime`.
pub fn rfc3339_seconds(at: OffsetDateTime) -> String {
    at.replace_nanosecond(0)
        .unwrap_or(at)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// The HTTP `Date` form (RFC 7231 IMF-fixdate): `Sun, 29 Nov 2026 09:10:00 GMT`.
pub fn http_date(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        ))
        .unwrap_or_default()
}

/// The `innerError.date` form: `2026-11-28T16:29:58`, no zone.
pub fn graph_date(at: OffsetDateTime) -> String {
    at.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]"
    ))
    .unwrap_or_default()
}

/// The timestamp Entra prints in AADSTS descriptions: `2026-11-28 16:29:58Z`.
pub fn aad_timestamp(at: OffsetDateTime) -> String {
    at.format(format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second]Z"
    ))
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn http_date_is_imf_fixdate() {
        assert_eq!(
            http_date(datetime!(2026-11-29 09:10:00.5 UTC)),
            "Sun, 29 Nov 2026 09:10:00 GMT"
        );
        assert_eq!(
            http_date(datetime!(2026-03-01 00:00:07 +02:00)),
            "Sat, 28 Feb 2026 22:00:07 GMT"
        );
    }
}
