//! What one caller may take of the server, so that nobody can take all of it: the size of a
//! request (per call), the time to send a request's headers, the live streams one session and
//! one network address hold open, and the rate of the anonymous and the expensive calls
//! (sign-in, similar-ticket suggestions, known-issue search). All are configurable
//! (`config`). Every refusal is RESOURCE_EXHAUSTED in words that say what was refused and, where
//! waiting helps, a RetryInfo that says when to try again.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::{AppError, AppResult};

/// The limits, as configured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Calls that carry what people write: tickets, triage, forms, people.
    pub max_request_bytes: usize,
    /// Every other call: sign-in, live, board, known issues.
    pub max_small_request_bytes: usize,
    pub header_read_timeout: Duration,
    pub streams_per_session: u32,
    pub streams_per_address: u32,
    pub sign_ins_per_minute: u32,
    pub searches_per_minute: u32,
}

/// How long a refused stream is told to wait: long enough for a closed tab's stream to end.
const STREAM_RETRY_AFTER: Duration = Duration::from_secs(10);
/// Forgotten addresses are dropped from the rate limiters every this many checks.
const RETAIN_EVERY: u64 = 4096;

/// The limits in force, with what they count.
pub struct Limiter {
    limits: Limits,
    sign_ins: DefaultKeyedRateLimiter<String>,
    searches: DefaultKeyedRateLimiter<String>,
    checks: AtomicU64,
    streams: Arc<Mutex<HashMap<String, u32>>>,
}

fn per_minute(count: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(count).unwrap_or(NonZeroU32::MIN))
}

impl Limiter {
    pub fn new(limits: Limits) -> Limiter {
        Limiter {
            sign_ins: RateLimiter::keyed(per_minute(limits.sign_ins_per_minute)),
            searches: RateLimiter::keyed(per_minute(limits.searches_per_minute)),
            checks: AtomicU64::new(0),
            streams: Arc::default(),
            limits,
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// A sign-in attempt from `address`.
    pub fn sign_in(&self, address: &str) -> AppResult<()> {
        self.check(&self.sign_ins, address, "sign-in attempts")
    }

    /// A search or a suggestion of similar tickets from `address`.
    pub fn search(&self, address: &str) -> AppResult<()> {
        self.check(&self.searches, address, "searches")
    }

    fn check(&self, limiter: &DefaultKeyedRateLimiter<String>, address: &str, what: &str) -> AppResult<()> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % RETAIN_EVERY == RETAIN_EVERY - 1 {
            self.sign_ins.retain_recent();
            self.searches.retain_recent();
        }
        limiter.check_key(&address.to_owned()).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let seconds = wait.as_secs().max(1);
            AppError::TooMany {
                message: format!("Too many {what} from your network. Try again in {seconds} s."),
                retry_after: wait.max(Duration::from_secs(1)),
            }
        })
    }

    /// A slot for one more live stream of `session` from `address`, held until the returned
    /// value is dropped (when the stream ends).
    pub fn open_stream(&self, session: &str, address: &str) -> AppResult<StreamSlot> {
        let keys = [format!("session {session}"), format!("address {address}")];
        let caps = [self.limits.streams_per_session, self.limits.streams_per_address];
        let mut open = self.streams.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let full = keys.iter().zip(caps).position(|(key, cap)| open.get(key).copied().unwrap_or(0) >= cap);
        if let Some(which) = full {
            let message = if which == 0 {
                format!(
                    "This session already has {} live views open (each tab holds one). Close a tab, then try again.",
                    caps[0]
                )
            } else {
                format!("Your network already has {} live views open. Close some, then try again.", caps[1])
            };
            return Err(AppError::TooMany { message, retry_after: STREAM_RETRY_AFTER });
        }
        for key in &keys {
            *open.entry(key.clone()).or_default() += 1;
        }
        Ok(StreamSlot { streams: self.streams.clone(), keys })
    }
}

/// One open live stream, counted until dropped.
pub struct StreamSlot {
    streams: Arc<Mutex<HashMap<String, u32>>>,
    keys: [String; 2],
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.streams.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for key in &self.keys {
            if let Some(count) = open.get_mut(key) {
                *count -= 1;
                if *count == 0 {
                    open.remove(key);
                }
            }
        }
    }
}

/// Layer on the gRPC routes: a request over its call's size limit is refused by tonic with
/// OUT_OF_RANGE and a message for programmers; this answers RESOURCE_EXHAUSTED in words for
/// the person instead (waiting does not help, so there is no retry hint).
pub async fn name_oversized_requests(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let Some(status) = tonic::Status::from_header_map(response.headers()) else { return response };
    if status.code() != tonic::Code::OutOfRange || !status.message().contains("decoded message length too large") {
        return response;
    }
    let limit = status.message().rsplit("the limit is: ").next().and_then(|rest| rest.split(' ').next());
    let kib = limit.and_then(|bytes| bytes.parse::<usize>().ok()).map(|bytes| bytes / 1024).unwrap_or_default();
    let message =
        format!("This request is too large: Steward takes at most {kib} KiB here. Shorten it, then send it again.");
    tonic::Status::resource_exhausted(message).into_http::<axum::body::Body>().into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            max_request_bytes: 1024,
            max_small_request_bytes: 512,
            header_read_timeout: Duration::from_secs(1),
            streams_per_session: 2,
            streams_per_address: 3,
            sign_ins_per_minute: 2,
            searches_per_minute: 1,
        }
    }

    #[test]
    fn streams_are_capped_per_session_and_per_address_and_a_closed_one_frees_its_slot() {
        let limiter = Limiter::new(limits());
        let first = limiter.open_stream("s1", "10.0.0.1").expect("1st");
        let _second = limiter.open_stream("s1", "10.0.0.1").expect("2nd");
        let refused = limiter.open_stream("s1", "10.0.0.1").err().expect("3rd of the session");
        assert!(matches!(&refused, AppError::TooMany { message, .. } if message.contains("This session")), "{refused}");
        let _other = limiter.open_stream("s2", "10.0.0.1").expect("another session, same address");
        let refused = limiter.open_stream("s3", "10.0.0.1").err().expect("4th of the address");
        assert!(matches!(&refused, AppError::TooMany { message, .. } if message.contains("Your network")), "{refused}");
        drop(first);
        limiter.open_stream("s1", "10.0.0.2").expect("a slot of the session is free again");
    }

    #[test]
    fn rates_are_per_address_and_the_refusal_says_when() {
        let limiter = Limiter::new(limits());
        limiter.sign_in("10.0.0.1").expect("1st");
        limiter.sign_in("10.0.0.1").expect("2nd");
        match limiter.sign_in("10.0.0.1") {
            Err(AppError::TooMany { message, retry_after }) => {
                assert!(message.starts_with("Too many sign-in attempts"), "{message}");
                assert!(
                    retry_after >= Duration::from_secs(1) && retry_after <= Duration::from_secs(30),
                    "{retry_after:?}"
                );
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        limiter.sign_in("10.0.0.2").expect("another address has its own allowance");
        limiter.search("10.0.0.1").expect("searches count apart from sign-ins");
    }
}
