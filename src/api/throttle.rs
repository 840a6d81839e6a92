//! Failed API authentications, limited per client (`CF-Connecting-IP`): after
//! [`MAX_FAILURES`] failures within [`WINDOW_MS`] a client gets 429 until the window ends,
//! whatever token it sends. With a Cloudflare rate-limiting binding (`DNI_AUTH_LIMITER`) the
//! shell asks the binding on each failure (the limit then holds across isolates and
//! locations) and remembers its verdict here; without one, this in-isolate count is the
//! limit (one isolate's view: a fallback, e.g. for `wrangler dev`).

use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::error::HttpError;

/// Failures allowed per client and window.
pub const MAX_FAILURES: u32 = 10;
/// The window, in milliseconds (the binding's `period` should match: 60 s).
pub const WINDOW_MS: i64 = 60_000;
/// Clients remembered at most (older entries are dropped first).
pub const MAX_CLIENTS: usize = 4096;

#[derive(Debug, Clone, Copy)]
struct Entry {
    window_start_ms: i64,
    failures: u32,
}

/// Failed authentications per client key, in one isolate.
#[derive(Debug, Default)]
pub struct AuthThrottle {
    clients: BTreeMap<String, Entry>,
}

impl AuthThrottle {
    /// Is `client` over the limit at `now_ms`?
    pub fn blocked(&self, client: &str, now_ms: i64) -> bool {
        self.clients.get(client).is_some_and(|e| {
            now_ms.saturating_sub(e.window_start_ms) < WINDOW_MS && e.failures >= MAX_FAILURES
        })
    }

    /// Records a failed authentication of `client`; returns whether it is now blocked.
    pub fn failed(&mut self, client: &str, now_ms: i64) -> bool {
        self.bump(client, now_ms, 1)
    }

    /// Blocks `client` for the rest of its window (the rate-limiting binding said so).
    pub fn block(&mut self, client: &str, now_ms: i64) {
        self.bump(client, now_ms, MAX_FAILURES);
    }

    fn bump(&mut self, client: &str, now_ms: i64, by: u32) -> bool {
        if !self.clients.contains_key(client) && self.clients.len() >= MAX_CLIENTS {
            self.clients
                .retain(|_, e| now_ms.saturating_sub(e.window_start_ms) < WINDOW_MS);
            while self.clients.len() >= MAX_CLIENTS {
                let oldest = self
                    .clients
                    .iter()
                    .min_by_key(|(_, e)| e.window_start_ms)
                    .map(|(k, _)| k.clone());
                match oldest {
                    Some(k) => self.clients.remove(&k),
                    None => break,
                };
            }
        }
        let entry = self.clients.entry(client.to_string()).or_insert(Entry {
            window_start_ms: now_ms,
            failures: 0,
        });
        if now_ms.saturating_sub(entry.window_start_ms) >= WINDOW_MS {
            *entry = Entry {
                window_start_ms: now_ms,
                failures: 0,
            };
        }
        entry.failures = entry.failures.saturating_add(by);
        entry.failures >= MAX_FAILURES
    }
}

/// A limit on failed attempts shared across isolates (Cloudflare's rate-limiting binding).
#[allow(async_fn_in_trait)]
pub trait FailureLimiter {
    /// Counts one failure of `key`: `Some(true)` when `key` is now over the limit, `None`
    /// when there is no such limiter (or it could not answer).
    async fn over_limit(&self, key: &str) -> Option<bool>;
}

/// No shared limiter: the in-isolate count decides.
pub struct NoLimiter;

impl FailureLimiter for NoLimiter {
    async fn over_limit(&self, _key: &str) -> Option<bool> {
        None
    }
}

/// The API token check ([`super::authorize`]) with failed attempts limited per `client`:
/// a blocked client gets [`HttpError::TooManyRequests`] whatever it sends; a failure is
/// counted by `limiter` when there is one, else by `throttle`.
pub async fn authorize_limited<L: FailureLimiter>(
    throttle: &RefCell<AuthThrottle>,
    limiter: &L,
    client: &str,
    now_ms: i64,
    expected_token: Option<&str>,
    authorization: Option<&str>,
) -> Result<(), HttpError> {
    if throttle.borrow().blocked(client, now_ms) {
        return Err(HttpError::TooManyRequests);
    }
    let result = super::authorize(expected_token, authorization);
    if result.is_err() {
        match limiter.over_limit(&format!("auth:{client}")).await {
            Some(true) => throttle.borrow_mut().block(client, now_ms),
            Some(false) => {}
            None => {
                throttle.borrow_mut().failed(client, now_ms);
            }
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    fn ready<F: Future>(f: F) -> F::Output {
        match pin!(f).poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(v) => v,
            Poll::Pending => panic!("ready at once"),
        }
    }

    const TOKEN: &str = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0";

    /// A binding that blocks after `limit` failures of any key.
    struct Binding {
        limit: u32,
        seen: Cell<u32>,
    }

    impl FailureLimiter for Binding {
        async fn over_limit(&self, _key: &str) -> Option<bool> {
            self.seen.set(self.seen.get() + 1);
            Some(self.seen.get() > self.limit)
        }
    }

    #[test]
    fn guessing_the_token_is_stopped_then_even_the_right_token_waits() {
        let t = RefCell::new(AuthThrottle::default());
        let right = format!("Bearer {TOKEN}");
        for i in 0..MAX_FAILURES {
            let r = ready(authorize_limited(
                &t,
                &NoLimiter,
                "198.51.100.7",
                i64::from(i),
                Some(TOKEN),
                Some("Bearer guess"),
            ));
            assert_eq!(r, Err(HttpError::Unauthorized));
        }
        let r = ready(authorize_limited(
            &t,
            &NoLimiter,
            "198.51.100.7",
            20,
            Some(TOKEN),
            Some(&right),
        ));
        assert_eq!(r, Err(HttpError::TooManyRequests));
        assert_eq!(HttpError::TooManyRequests.status(), 429);
        // Another client is not affected; after the window the right token works.
        assert!(ready(authorize_limited(
            &t,
            &NoLimiter,
            "203.0.113.9",
            20,
            Some(TOKEN),
            Some(&right)
        ))
        .is_ok());
        assert!(ready(authorize_limited(
            &t,
            &NoLimiter,
            "198.51.100.7",
            WINDOW_MS + 20,
            Some(TOKEN),
            Some(&right)
        ))
        .is_ok());
    }

    #[test]
    fn the_bindings_verdict_is_followed() {
        let t = RefCell::new(AuthThrottle::default());
        let b = Binding {
            limit: 2,
            seen: Cell::new(0),
        };
        for _ in 0..2 {
            let r = ready(authorize_limited(&t, &b, "c", 0, Some(TOKEN), None));
            assert_eq!(r, Err(HttpError::Unauthorized));
        }
        assert!(
            !t.borrow().blocked("c", 0),
            "the binding counts, not the isolate"
        );
        let _ = ready(authorize_limited(&t, &b, "c", 0, Some(TOKEN), None));
        assert!(t.borrow().blocked("c", 1));
        let ok = format!("Bearer {TOKEN}");
        assert_eq!(
            ready(authorize_limited(&t, &b, "c", 2, Some(TOKEN), Some(&ok))),
            Err(HttpError::TooManyRequests)
        );
        assert_eq!(b.seen.get(), 3, "successes are never counted");
    }

    #[test]
    fn ten_failures_block_a_client_for_the_rest_of_the_window() {
        let mut t = AuthThrottle::default();
        for i in 0..MAX_FAILURES - 1 {
            assert!(!t.failed("198.51.100.7", i64::from(i)));
        }
        assert!(!t.blocked("198.51.100.7", 10));
        assert!(t.failed("198.51.100.7", 10));
        assert!(t.blocked("198.51.100.7", WINDOW_MS - 1));
        assert!(
            !t.blocked("203.0.113.9", 10),
            "other clients are not affected"
        );
        assert!(!t.blocked("198.51.100.7", WINDOW_MS), "a new window");
        assert!(!t.failed("198.51.100.7", WINDOW_MS));
    }

    #[test]
    fn the_bindings_verdict_blocks_at_once() {
        let mut t = AuthThrottle::default();
        t.block("2001:db8::1", 0);
        assert!(t.blocked("2001:db8::1", 1));
    }

    #[test]
    fn memory_is_bounded() {
        let mut t = AuthThrottle::default();
        for i in 0..(MAX_CLIENTS as i64 + 100) {
            t.failed(&format!("client-{i}"), i);
        }
        assert!(t.clients.len() <= MAX_CLIENTS);
        assert!(t
            .clients
            .contains_key(&format!("client-{}", MAX_CLIENTS + 99)));
    }
}
