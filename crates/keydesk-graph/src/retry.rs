//! When and how long to wait before trying a read again.
//!
//! Graph throttles with 429 (and sheds load with 503/504), usually with `Retry-After` in
//! seconds (an HTTP date is read too). Calls honour it, else back off exponentially with
//! jitter, bounded by [`crate::GraphConfig::max_attempts`]; see [`crate::http`] for which
//! calls are repeated. The waiting goes through [`Sleeper`] so tests can
//! count the waits instead of sleeping.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use reqwest::header::HeaderMap;

/// Attempts in total for one read, the first included.
pub const MAX_ATTEMPTS: u32 = 4;
/// First backoff step when Graph gives no `Retry-After`.
const BASE_DELAY: Duration = Duration::from_millis(500);
/// Longest backoff step without `Retry-After`.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// Longest `Retry-After` honoured; beyond it the wait is capped.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);

/// A boxed future, as [`Sleeper::sleep`] returns.
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Something that waits. Production uses [`TokioSleeper`].
pub trait Sleeper: Send + Sync {
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration) -> SleepFuture;
}

/// Waits with `tokio::time::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// Statuses a read may be retried on.
pub(crate) fn is_retryable(status: u16) -> bool {
    matches!(status, 429 | 503 | 504)
}

/// `Retry-After` in seconds or as an HTTP date, capped.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    retry_after_at(headers, now)
}

/// [`retry_after`] as seen at `now_unix`; a date in the past means "now".
fn retry_after_at(headers: &HeaderMap, now_unix: i64) -> Option<Duration> {
    let value = headers.get("retry-after")?.to_str().ok()?.trim();
    let wait = match value.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => {
            let seconds = http_date(value)? - now_unix;
            Duration::from_secs(seconds.max(0) as u64)
        }
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

/// An HTTP date (`Sun, 29 Nov 2026 09:10:00 GMT`, RFC 9110's IMF-fixdate) as Unix seconds.
pub(crate) fn http_date(value: &str) -> Option<i64> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let at = time::PrimitiveDateTime::parse(value.trim(), &format).ok()?;
    Some(at.assume_utc().unix_timestamp())
}

/// Backoff before attempt `attempt + 1` after `attempt` failures (1-based), with `jitter`
/// in `0.0..=1.0` scaling the step between half and all of it.
pub(crate) fn backoff(attempt: u32, jitter: f64) -> Duration {
    let exp = BASE_DELAY.saturating_mul(1 << attempt.saturating_sub(1).min(16));
    let step = exp.min(MAX_BACKOFF);
    step.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

/// The wait before the next attempt: Graph's word if it gave one.
pub(crate) fn delay(attempt: u32, headers: &HeaderMap) -> Duration {
    retry_after(headers).unwrap_or_else(|| backoff(attempt, rand::random::<f64>()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        assert_eq!(backoff(1, 1.0), Duration::from_millis(500));
        assert_eq!(backoff(1, 0.0), Duration::from_millis(250));
        assert_eq!(backoff(3, 1.0), Duration::from_secs(2));
        assert_eq!(backoff(30, 1.0), MAX_BACKOFF);
    }

    #[test]
    fn retry_after_seconds_are_honoured_and_capped() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert("retry-after", "7".parse().unwrap());
        assert_eq!(delay(1, &headers), Duration::from_secs(7));
        headers.insert("retry-after", "99999".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(MAX_RETRY_AFTER));
        headers.insert(
            "retry-after",
            "Wed, 21 Oct 2026 07:28:00 GMT".parse().unwrap(),
        );
        let at = 1_792_567_680; // 2026-10-21T07:28:00Z
        assert_eq!(
            retry_after_at(&headers, at - 12),
            Some(Duration::from_secs(12))
        );
        assert_eq!(retry_after_at(&headers, at + 60), Some(Duration::ZERO));
        headers.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }
}
