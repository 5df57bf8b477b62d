//! Configuration from `RAPPORT_*` environment variables.

use std::path::PathBuf;
use std::time::Duration;

/// Server settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// `RAPPORT_DATABASE_URL`.
    pub database_url: String,
    /// `RAPPORT_BIND`.
    pub bind: String,
    /// `RAPPORT_JWT_SECRET`; when absent a secret is generated once and kept in the database.
    pub jwt_secret: Option<String>,
    /// `RAPPORT_STATIC_DIR`: the built single-page app.
    pub static_dir: PathBuf,
    /// `RAPPORT_WORKERS`: HTTP worker threads (default: one per CPU core).
    pub workers: Option<usize>,
    /// Campaign delivery.
    pub delivery: DeliveryConfig,
    /// Webhook delivery.
    pub webhooks: WebhookConfig,
    /// Sign-in throttling, tokens, CORS.
    pub security: SecurityConfig,
}

/// How webhooks are sent.
#[derive(Clone, Debug)]
pub struct WebhookConfig {
    /// `RAPPORT_WEBHOOK_WORKER`: `off` runs this instance without the webhook worker. Default on.
    pub worker: bool,
    /// `RAPPORT_ALLOW_PRIVATE_WEBHOOKS`: `1` lets webhooks reach loopback, private and other
    /// non-public addresses (default off: such URLs are refused at save and at send time).
    pub allow_private: bool,
    /// `RAPPORT_WEBHOOK_POLL_MS`: how often the worker looks for due deliveries (default 1000).
    pub poll: Duration,
    /// `RAPPORT_WEBHOOK_TIMEOUT_MS`: how long one attempt may take (default 10000).
    pub timeout: Duration,
    /// `RAPPORT_WEBHOOK_RETRY_BASE_MS`: the first retry's delay, doubled each time and
    /// capped at 8 h (default 60000: 12 attempts span about 24 h).
    pub retry_base: Duration,
    /// `RAPPORT_WEBHOOK_MAX_ATTEMPTS`: attempts before a delivery fails for good (default 12).
    pub max_attempts: i32,
    /// `RAPPORT_WEBHOOK_DISABLE_AFTER`: deliveries failed for good in a row after which the
    /// subscription is switched off (default 10).
    pub disable_after: i32,
    /// `RAPPORT_WEBHOOK_LEASE_SECS`: how long a claimed delivery stays with its worker
    /// before another may take it over (default 60; at least twice the timeout).
    pub lease: Duration,
    /// Deliveries claimed at once (default 50).
    pub batch: u64,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            worker: true,
            allow_private: false,
            poll: Duration::from_millis(1000),
            timeout: Duration::from_millis(10_000),
            retry_base: Duration::from_millis(60_000),
            max_attempts: 12,
            disable_after: 10,
            lease: Duration::from_secs(60),
            batch: 50,
        }
    }
}

/// Sign-in throttling, access-token claims and cross-origin access.
#[derive(Clone, Debug)]
pub struct SecurityConfig {
    /// `RAPPORT_LOGIN_MAX_FAILURES`: consecutive failed sign-ins that lock an account (default 5).
    pub login_max_failures: i32,
    /// `RAPPORT_LOGIN_LOCK_SECS`: how long the lock lasts (default 900).
    pub login_lock: Duration,
    /// `RAPPORT_LOGIN_RATE_PER_MINUTE`: sign-in attempts per client address and minute (default 20).
    pub login_per_minute: u32,
    /// `RAPPORT_TRUSTED_PROXIES`: comma list of proxy addresses whose `X-Forwarded-For`
    /// names the client (default none: the connection's peer address is the client).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// `RAPPORT_CORS_ORIGINS`: comma list of origins allowed to call the API from a
    /// browser (default none: no cross-origin access).
    pub cors_origins: Vec<String>,
    /// `RAPPORT_JWT_ISSUER` (default `rapport`).
    pub jwt_issuer: String,
    /// `RAPPORT_JWT_AUDIENCE` (default `rapport-api`).
    pub jwt_audience: String,
}

impl Default for SecurityConfig {
    fn default() -> Self {
        Self {
            login_max_failures: 5,
            login_lock: Duration::from_secs(15 * 60),
            login_per_minute: 20,
            trusted_proxies: Vec::new(),
            cors_origins: Vec::new(),
            jwt_issuer: "rapport".into(),
            jwt_audience: "rapport-api".into(),
        }
    }
}

impl WebhookConfig {
    fn from_env(var: &dyn Fn(&str) -> Option<String>) -> Self {
        let d = Self::default();
        let num = |k: &str| var(k).and_then(|v| v.parse::<u64>().ok());
        let count =
            |k: &str, default: i32| num(k).and_then(|n| i32::try_from(n).ok()).filter(|n| *n > 0).unwrap_or(default);
        Self {
            worker: !var("RAPPORT_WEBHOOK_WORKER").is_some_and(|v| matches!(v.as_str(), "off" | "0" | "false")),
            allow_private: var("RAPPORT_ALLOW_PRIVATE_WEBHOOKS")
                .is_some_and(|v| matches!(v.as_str(), "1" | "on" | "true")),
            poll: num("RAPPORT_WEBHOOK_POLL_MS").filter(|n| *n > 0).map_or(d.poll, Duration::from_millis),
            timeout: num("RAPPORT_WEBHOOK_TIMEOUT_MS").filter(|n| *n > 0).map_or(d.timeout, Duration::from_millis),
            retry_base: num("RAPPORT_WEBHOOK_RETRY_BASE_MS").map_or(d.retry_base, Duration::from_millis),
            max_attempts: count("RAPPORT_WEBHOOK_MAX_ATTEMPTS", d.max_attempts),
            disable_after: count("RAPPORT_WEBHOOK_DISABLE_AFTER", d.disable_after),
            lease: num("RAPPORT_WEBHOOK_LEASE_SECS").filter(|n| *n > 0).map_or(d.lease, Duration::from_secs),
            batch: d.batch,
        }
    }
}

/// `scheme://host[:port]` with http(s): anything else would stop the CORS middleware.
fn valid_origin(origin: &str) -> bool {
    let ok = url::Url::parse(origin)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some() && u.path() == "/");
    if !ok {
        tracing::warn!(origin, "ignoring RAPPORT_CORS_ORIGINS entry: not an http(s) origin");
    }
    ok
}

impl SecurityConfig {
    fn from_env(var: &dyn Fn(&str) -> Option<String>) -> Self {
        let d = Self::default();
        let num = |k: &str| var(k).and_then(|v| v.trim().parse::<u64>().ok()).filter(|n| *n > 0);
        let list = |k: &str| {
            var(k).map_or_else(Vec::new, |v| {
                v.split(',').map(|s| s.trim().trim_end_matches('/').to_owned()).filter(|s| !s.is_empty()).collect()
            })
        };
        Self {
            login_max_failures: num("RAPPORT_LOGIN_MAX_FAILURES")
                .and_then(|n| i32::try_from(n).ok())
                .unwrap_or(d.login_max_failures),
            login_lock: num("RAPPORT_LOGIN_LOCK_SECS").map_or(d.login_lock, Duration::from_secs),
            login_per_minute: num("RAPPORT_LOGIN_RATE_PER_MINUTE")
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(d.login_per_minute),
            trusted_proxies: list("RAPPORT_TRUSTED_PROXIES").iter().filter_map(|s| s.parse().ok()).collect(),
            cors_origins: list("RAPPORT_CORS_ORIGINS").into_iter().filter(|o| valid_origin(o)).collect(),
            jwt_issuer: var("RAPPORT_JWT_ISSUER").unwrap_or(d.jwt_issuer),
            jwt_audience: var("RAPPORT_JWT_AUDIENCE").unwrap_or(d.jwt_audience),
        }
    }
}

/// How campaign messages leave the building.
#[derive(Clone, Debug)]
pub struct DeliveryConfig {
    /// `RAPPORT_DELIVERY_WORKER`: `off` runs this instance without the delivery worker
    /// (an API-only instance beside others that deliver). Default on.
    pub worker: bool,
    /// `RAPPORT_SMTP_URL`, e.g. `smtp://user:pass@mail.example.com:587?tls=required` or
    /// `smtps://…:465`; without it email goes to the outbox (`GET /api/v1/outbox`).
    pub smtp_url: Option<String>,
    /// `RAPPORT_SMTP_FROM`: the sender (default `Rapport <noreply@rapport.local>`).
    pub smtp_from: String,
    /// `RAPPORT_SMS_WEBHOOK_URL`: the SMS gateway (POST JSON `{to, body, message_id}`);
    /// without it SMS go to the outbox.
    pub sms_webhook_url: Option<String>,
    /// `RAPPORT_PUBLIC_URL`: the address customers reach this server at, for tracking
    /// and unsubscribe links (default `http://` + the bind address).
    pub public_url: Option<String>,
    /// `RAPPORT_DELIVERY_POLL_MS`: how often the worker looks for due work (default 1000).
    pub poll: Duration,
    /// `RAPPORT_DELIVERY_LEASE_SECS`: how long a claimed message stays with its worker
    /// before another may take it over (default 60; renewed before each send).
    pub lease: Duration,
    /// `RAPPORT_DELIVERY_RETRY_BASE_MS`: the first retry's delay, doubled each time
    /// (default 30000, capped at 6 h).
    pub retry_base: Duration,
    /// `RAPPORT_DELIVERY_MAX_ATTEMPTS`: attempts before a message fails for good (default 8).
    pub max_attempts: i32,
    /// Messages claimed at once (default 100).
    pub batch: u64,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            worker: true,
            smtp_url: None,
            smtp_from: "Rapport <noreply@rapport.local>".into(),
            sms_webhook_url: None,
            public_url: None,
            poll: Duration::from_millis(1000),
            lease: Duration::from_secs(60),
            retry_base: Duration::from_millis(30_000),
            max_attempts: 8,
            batch: 100,
        }
    }
}

/// The default database: a SQLite file under `data/`, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/rapport.db?mode=rwc";

impl Config {
    /// Reads the environment, with defaults for everything.
    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        Self {
            database_url: var("RAPPORT_DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            bind: var("RAPPORT_BIND").unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
            jwt_secret: var("RAPPORT_JWT_SECRET"),
            static_dir: var("RAPPORT_STATIC_DIR").map_or_else(|| PathBuf::from("frontend/dist"), PathBuf::from),
            workers: var("RAPPORT_WORKERS").and_then(|w| w.parse().ok()).filter(|w| *w > 0),
            delivery: DeliveryConfig::from_env(&var),
            webhooks: WebhookConfig::from_env(&var),
            security: SecurityConfig::from_env(&var),
        }
    }
}

impl DeliveryConfig {
    fn from_env(var: &dyn Fn(&str) -> Option<String>) -> Self {
        let d = Self::default();
        let num = |k: &str| var(k).and_then(|v| v.parse::<u64>().ok());
        Self {
            worker: !var("RAPPORT_DELIVERY_WORKER").is_some_and(|v| matches!(v.as_str(), "off" | "0" | "false")),
            smtp_url: var("RAPPORT_SMTP_URL"),
            smtp_from: var("RAPPORT_SMTP_FROM").unwrap_or(d.smtp_from),
            sms_webhook_url: var("RAPPORT_SMS_WEBHOOK_URL"),
            public_url: var("RAPPORT_PUBLIC_URL"),
            poll: num("RAPPORT_DELIVERY_POLL_MS").filter(|n| *n > 0).map_or(d.poll, Duration::from_millis),
            lease: num("RAPPORT_DELIVERY_LEASE_SECS").filter(|n| *n > 0).map_or(d.lease, Duration::from_secs),
            retry_base: num("RAPPORT_DELIVERY_RETRY_BASE_MS").map_or(d.retry_base, Duration::from_millis),
            max_attempts: num("RAPPORT_DELIVERY_MAX_ATTEMPTS")
                .and_then(|n| i32::try_from(n).ok())
                .filter(|n| *n > 0)
                .unwrap_or(d.max_attempts),
            batch: d.batch,
        }
    }
}
