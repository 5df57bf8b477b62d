//! The delivery worker: one task per server process that launches scheduled campaigns,
//! claims due messages in batches, hands each to its transport (SMTP, the SMS gateway,
//! or the outbox), records the result with retries and back-off, and completes
//! campaigns with nothing left to send. The queue's guarantees are explained in
//! `rapport_domain::services::delivery`.

mod sms;
mod smtp;

use std::sync::Arc;
use std::time::Duration;

use chrono::Duration as Span;
use rapport_domain::services::campaigns::launch::launch_due;
use rapport_domain::services::campaigns::render::TrackingBase;
use rapport_domain::services::delivery::{self, Outgoing};
use sea_orm::DatabaseConnection;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::config::DeliveryConfig;

/// Why a transport did not deliver.
#[derive(Debug)]
pub struct SendError {
    /// Worth trying again later (a 4xx SMTP reply, a 5xx from the gateway, a timeout).
    pub temporary: bool,
    pub reason: String,
}

enum Email {
    Smtp(smtp::Smtp),
    Outbox,
}

enum Sms {
    Webhook(sms::Webhook),
    Outbox,
}

struct Transports {
    email: Email,
    sms: Sms,
}

impl Transports {
    fn new(cfg: &DeliveryConfig) -> anyhow::Result<Self> {
        let email = match &cfg.smtp_url {
            Some(url) => Email::Smtp(smtp::Smtp::new(url, &cfg.smtp_from)?),
            None => Email::Outbox,
        };
        let sms = match &cfg.sms_webhook_url {
            Some(url) => Sms::Webhook(sms::Webhook::new(url)?),
            None => Sms::Outbox,
        };
        Ok(Self { email, sms })
    }
}

/// The running worker.
pub struct Worker {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Worker {
    /// Starts the worker on the current tokio runtime.
    ///
    /// # Errors
    /// An unusable SMTP or SMS gateway URL.
    pub fn spawn(
        db: DatabaseConnection,
        cfg: DeliveryConfig,
        base: TrackingBase,
        wake: Arc<Notify>,
    ) -> anyhow::Result<Self> {
        let transports = Transports::new(&cfg)?;
        let (stop, stopped) = watch::channel(false);
        let id = uuid::Uuid::new_v4().to_string();
        let task = tokio::spawn(run(Ctx { db, cfg, base, transports, id }, wake, stopped));
        Ok(Self { stop, task })
    }

    /// Asks the worker to stop after the message in hand, and waits for it (up to `grace`).
    pub async fn shutdown(self, grace: Duration) {
        let _ = self.stop.send(true);
        let _ = tokio::time::timeout(grace, self.task).await;
    }
}

struct Ctx {
    db: DatabaseConnection,
    cfg: DeliveryConfig,
    base: TrackingBase,
    transports: Transports,
    id: String,
}

fn span(d: Duration) -> Span {
    Span::from_std(d).unwrap_or_else(|_| Span::seconds(60))
}

async fn run(ctx: Ctx, wake: Arc<Notify>, mut stopped: watch::Receiver<bool>) {
    tracing::info!(worker = %ctx.id, "delivery worker started");
    loop {
        if *stopped.borrow() {
            break;
        }
        let busy = match tick(&ctx, &stopped).await {
            Ok(n) => n >= ctx.cfg.batch,
            Err(e) => {
                tracing::error!(error = %e, "delivery worker tick failed");
                false
            }
        };
        if busy {
            continue;
        }
        tokio::select! {
            () = tokio::time::sleep(ctx.cfg.poll) => {}
            () = wake.notified() => {}
            _ = stopped.changed() => {}
        }
    }
    tracing::info!(worker = %ctx.id, "delivery worker stopped");
}

/// One round: launch due campaigns, send one batch, finish campaigns. Returns how many
/// messages were claimed.
async fn tick(ctx: &Ctx, stopped: &watch::Receiver<bool>) -> rapport_domain::Result<u64> {
    launch_due(&ctx.db, &ctx.base).await?;
    let lease = span(ctx.cfg.lease);
    let ids = delivery::claim(&ctx.db, &ctx.id, ctx.cfg.batch, lease).await?;
    let claimed = ids.len() as u64;
    for id in ids {
        if *stopped.borrow() {
            // The rest of the batch is taken over by the next worker when the lease runs out.
            break;
        }
        let Some(out) = delivery::prepare(&ctx.db, id, &ctx.id, lease, &ctx.base).await? else { continue };
        deliver(ctx, &out).await?;
    }
    delivery::finish_campaigns(&ctx.db).await?;
    Ok(claimed)
}

async fn deliver(ctx: &Ctx, out: &Outgoing) -> rapport_domain::Result<()> {
    let result = match (out.channel.as_str(), &ctx.transports) {
        ("email", Transports { email: Email::Smtp(s), .. }) => s.send(out).await,
        ("sms", Transports { sms: Sms::Webhook(w), .. }) => w.send(out).await,
        _ => return delivery::deliver_to_outbox(&ctx.db, out, &ctx.id).await,
    };
    match result {
        Ok(()) => delivery::record_sent(&ctx.db, out.id, &ctx.id).await,
        Err(e) => {
            let retry = (e.temporary && out.attempt < ctx.cfg.max_attempts).then(|| {
                let factor = 2u32.saturating_pow(u32::try_from(out.attempt - 1).unwrap_or(0).min(20));
                let delay = ctx.cfg.retry_base.saturating_mul(factor).min(Duration::from_secs(6 * 3600));
                rapport_domain::time::now() + span(delay)
            });
            let reason = if e.temporary && retry.is_none() {
                format!("gave up after {} attempts: {}", out.attempt, e.reason)
            } else {
                e.reason
            };
            tracing::warn!(message = out.id, attempt = out.attempt, retry = retry.is_some(), %reason, "delivery failed");
            delivery::record_failure(&ctx.db, out.id, &ctx.id, &reason, retry).await
        }
    }
}
