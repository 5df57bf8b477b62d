//! The outbox: where email and SMS go when no mail server or SMS gateway is configured,
//! readable through the API so that demos and tests see exactly what would have gone out.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use crate::entities::outbox_message;
use crate::error::{DomainError, Result};
use crate::list::Page;
use crate::services::campaigns::CHANNELS;
use crate::time::utc;
use crate::{Action, Actor};

/// One message in the outbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutboxMessage {
    pub id: i64,
    pub message_id: String,
    pub channel: String,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    pub html: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The outbox, newest first.
///
/// # Errors
/// `Forbidden`, `Invalid` channel, database failures.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    channel: Option<&str>,
    recipient: Option<&str>,
    page: u64,
    per_page: u64,
) -> Result<Page<OutboxMessage>> {
    actor.require(Action::MarketingRead)?;
    let mut q = outbox_message::Entity::find();
    if let Some(c) = channel {
        if !CHANNELS.contains(&c) {
            return Err(DomainError::invalid("channel", format!("must be one of {}", CHANNELS.join(", "))));
        }
        q = q.filter(outbox_message::Column::Channel.eq(c));
    }
    if let Some(r) = recipient {
        if r.chars().count() > 320 {
            return Err(DomainError::invalid("recipient", "must be at most 320 characters"));
        }
        q = q.filter(outbox_message::Column::Recipient.eq(r));
    }
    let total = q.clone().count(db).await?;
    let rows =
        q.order_by_desc(outbox_message::Column::Id).offset((page - 1) * per_page).limit(per_page).all(db).await?;
    let items = rows
        .into_iter()
        .map(|m| OutboxMessage {
            id: m.id,
            message_id: m.message_id,
            channel: m.channel,
            recipient: m.recipient,
            subject: m.subject,
            body: m.body,
            html: m.html,
            created_at: utc(m.created_at),
        })
        .collect();
    Ok(Page { items, page: Some(page), per_page, total: Some(total), total_capped: false, next_cursor: None })
}
