//! The webhook worker: one task per server process that claims due deliveries, sends
//! each signed POST (see [`send`]), and records the result with retries on an exponential
//! back-off. The queue's guarantees are explained in
//! `rapport_domain::services::webhooks::queue`.

mod send;

use std::time::Duration;

use chrono::Duration as Span;
use rapport_domain::services::webhooks::queue::{self, Outcome, Outgoing};
use sea_orm::DatabaseConnection;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use send::{Attempt, send};

use crate::config::WebhookConfig;

/// The longest wait between two attempts of one delivery.
const MAX_DELAY: Duration = Duration::from_secs(8 * 3600);

/// The running worker.
pub struct Worker {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Worker {
    /// Starts the worker on the current tokio runtime.
    pub fn spawn(db: DatabaseConnection, cfg: WebhookConfig) -> Self {
        let (stop, stopped) = watch::channel(false);
        let id = uuid::Uuid::new_v4().to_string();
        let task = tokio::spawn(run(Ctx { db, cfg, id }, stopped));
        Self { stop, task }
    }

    /// Asks the worker to stop after the delivery in hand, and waits for it (up to `grace`).
    pub async fn shutdown(self, grace: Duration) {
        let _ = self.stop.send(true);
        let _ = tokio::time::timeout(grace, self.task).await;
    }
}

struct Ctx {
    db: DatabaseConnection,
    cfg: WebhookConfig,
    id: String,
}

fn span(d: Duration) -> Span {
    Span::from_std(d).unwrap_or_else(|_| Span::seconds(60))
}

/// The wait before attempt `attempt + 1`: `base` doubled per attempt made, capped.
pub fn backoff(base: Duration, attempt: i32) -> Duration {
    let doublings = u32::try_from(attempt.saturating_sub(1)).unwrap_or(0).min(30);
    base.saturating_mul(2u32.saturating_pow(doublings)).min(MAX_DELAY)
}

async fn run(ctx: Ctx, mut stopped: watch::Receiver<bool>) {
    tracing::info!(worker = %ctx.id, "webhook worker started");
    loop {
        if *stopped.borrow() {
            break;
        }
        let busy = match tick(&ctx, &stopped).await {
            Ok(n) => n >= ctx.cfg.batch,
            Err(e) => {
                tracing::error!(error = %e, "webhook worker tick failed");
                false
            }
        };
        if busy {
            continue;
        }
        tokio::select! {
            () = tokio::time::sleep(ctx.cfg.poll) => {}
            _ = stopped.changed() => {}
        }
    }
    tracing::info!(worker = %ctx.id, "webhook worker stopped");
}

async fn tick(ctx: &Ctx, stopped: &watch::Receiver<bool>) -> rapport_domain::Result<u64> {
    let lease = span(ctx.cfg.lease.max(ctx.cfg.timeout * 2));
    let ids = queue::claim(&ctx.db, &ctx.id, ctx.cfg.batch, lease).await?;
    let claimed = ids.len() as u64;
    for id in ids {
        if *stopped.borrow() {
            // The rest of the batch is taken over by the next worker when the lease runs out.
            break;
        }
        let Some(out) = queue::prepare(&ctx.db, id, &ctx.id, lease).await? else { continue };
        deliver(ctx, &out).await?;
    }
    Ok(claimed)
}

async fn deliver(ctx: &Ctx, out: &Outgoing) -> rapport_domain::Result<()> {
    let t = chrono::Utc::now().timestamp();
    let outcome = match send(out, t, ctx.cfg.allow_private, ctx.cfg.timeout).await {
        Attempt::Delivered(code) => Outcome::Delivered { code: i32::from(code) },
        Attempt::Failed { code, reason, permanent } => {
            let retry = (!permanent && out.attempt < ctx.cfg.max_attempts)
                .then(|| rapport_domain::time::now() + span(backoff(ctx.cfg.retry_base, out.attempt)));
            let reason = if !permanent && retry.is_none() {
                format!("gave up after {} attempts: {reason}", out.attempt)
            } else {
                reason
            };
            tracing::warn!(delivery = out.id, attempt = out.attempt, retry = retry.is_some(), %reason, "webhook failed");
            Outcome::Failed { code: code.map(i32::from), reason, retry_at: retry }
        }
    };
    queue::record(&ctx.db, out, &ctx.id, outcome, ctx.cfg.disable_after).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_and_is_capped() {
        let base = Duration::from_secs(60);
        assert_eq!(backoff(base, 1), Duration::from_secs(60));
        assert_eq!(backoff(base, 2), Duration::from_secs(120));
        assert_eq!(backoff(base, 5), Duration::from_secs(960));
        assert_eq!(backoff(base, 11), MAX_DELAY);
        assert_eq!(backoff(base, i32::MAX), MAX_DELAY);
        // The default 12 attempts span about a day.
        let total: Duration = (1..12).map(|a| backoff(base, a)).sum();
        assert!((22 * 3600..26 * 3600).contains(&total.as_secs()), "{total:?}");
    }
}
