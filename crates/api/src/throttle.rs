//! Sign-in throttling per client address: a keyed in-memory limiter (GCRA) in front of
//! the password check. The per-account lock lives in the domain (`services::auth`).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::HttpRequest;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use rapport_domain::services::auth::LoginPolicy;

use crate::config::SecurityConfig;
use crate::error::ApiError;

/// The per-address limiter and the per-account policy of sign-in.
pub struct LoginThrottle {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
    trusted_proxies: Vec<IpAddr>,
    checks: AtomicU64,
    /// When failures lock an account.
    pub policy: LoginPolicy,
}

impl LoginThrottle {
    /// From the configuration.
    pub fn new(config: &SecurityConfig) -> Self {
        let per_minute = NonZeroU32::new(config.login_per_minute).unwrap_or(NonZeroU32::MIN);
        let lock = chrono::Duration::from_std(config.login_lock).unwrap_or(chrono::Duration::minutes(15));
        Self {
            limiter: RateLimiter::keyed(Quota::per_minute(per_minute)),
            clock: DefaultClock::default(),
            trusted_proxies: config.trusted_proxies.clone(),
            checks: AtomicU64::new(0),
            policy: LoginPolicy { max_failures: config.login_max_failures, lock },
        }
    }

    /// The client's address: the connection's peer, or, when the peer is a trusted
    /// proxy, the last address in `X-Forwarded-For` that is not one.
    pub fn client_ip(&self, req: &HttpRequest) -> Option<IpAddr> {
        let peer = req.peer_addr()?.ip();
        if !self.trusted_proxies.contains(&peer) {
            return Some(peer);
        }
        let forwarded = req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()).unwrap_or_default();
        for hop in forwarded.rsplit(',') {
            match hop.trim().parse::<IpAddr>() {
                Ok(ip) if self.trusted_proxies.contains(&ip) => {}
                Ok(ip) => return Some(ip),
                Err(_) => break,
            }
        }
        Some(peer)
    }

    /// Counts one attempt from the request's client.
    ///
    /// # Errors
    /// `rate_limited` (429 with `Retry-After`) past the limit.
    pub fn check(&self, req: &HttpRequest) -> Result<(), ApiError> {
        let Some(ip) = self.client_ip(req) else { return Ok(()) };
        // Forget addresses whose allowance is full again, now and then, so memory stays bounded.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 1024 == 1023 {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            ApiError::rate_limited(wait.as_secs() + 1, "too many sign-in attempts from this address; try again later")
        })
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn throttle(per_minute: u32, trusted: &[&str]) -> LoginThrottle {
        LoginThrottle::new(&SecurityConfig {
            login_per_minute: per_minute,
            trusted_proxies: trusted.iter().map(|s| s.parse().expect("ip")).collect(),
            ..SecurityConfig::default()
        })
    }

    #[test]
    fn each_address_has_its_own_allowance() {
        let t = throttle(2, &[]);
        let a = TestRequest::default().peer_addr("10.0.0.1:5000".parse().expect("addr")).to_http_request();
        let b = TestRequest::default().peer_addr("10.0.0.2:5000".parse().expect("addr")).to_http_request();
        assert!(t.check(&a).is_ok());
        assert!(t.check(&a).is_ok());
        let e = t.check(&a).expect_err("third attempt");
        assert_eq!(e.code(), "rate_limited");
        assert!(t.check(&b).is_ok());
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let direct = TestRequest::default()
            .peer_addr("203.0.113.9:5000".parse().expect("addr"))
            .insert_header(("x-forwarded-for", "198.51.100.7"))
            .to_http_request();
        let via_proxy = TestRequest::default()
            .peer_addr("10.0.0.5:5000".parse().expect("addr"))
            .insert_header(("x-forwarded-for", "198.51.100.7, 10.0.0.5"))
            .to_http_request();
        let t = throttle(20, &["10.0.0.5"]);
        assert_eq!(t.client_ip(&direct), "203.0.113.9".parse().ok(), "a spoofed header is ignored");
        assert_eq!(t.client_ip(&via_proxy), "198.51.100.7".parse().ok());
    }
}
