//! Tracking of campaign messages: opens (a pixel), clicks (a redirect that only leads
//! to links the message itself contained: no open redirect), and the unsubscribe link.
//! Tokens are 256-bit random values, so they cannot be guessed or enumerated.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::entities::campaign_message as msg;
use crate::error::{DomainError, Result};
use crate::services::opt_outs;
use crate::time::now;

async fn find(db: &DatabaseConnection, token: &str) -> Result<Option<msg::Model>> {
    if token.len() > 64 {
        return Ok(None);
    }
    Ok(msg::Entity::find().filter(msg::Column::Token.eq(token)).one(db).await?)
}

async fn count(db: &DatabaseConnection, m: &msg::Model, click: bool) -> Result<()> {
    let at = now();
    let mut q = msg::Entity::update_many()
        .col_expr(msg::Column::Opens, Expr::col(msg::Column::Opens).add(i32::from(!click)))
        .col_expr(msg::Column::OpenedAt, Expr::value(m.opened_at.unwrap_or(at)));
    if click {
        q = q
            .col_expr(msg::Column::Clicks, Expr::col(msg::Column::Clicks).add(1))
            .col_expr(msg::Column::ClickedAt, Expr::value(m.clicked_at.unwrap_or(at)));
    }
    q.filter(msg::Column::Id.eq(m.id)).exec(db).await?;
    Ok(())
}

/// Counts an open of the message with this token (unknown tokens are ignored: the pixel
/// is served either way).
///
/// # Errors
/// Database failures.
pub async fn open(db: &DatabaseConnection, token: &str) -> Result<()> {
    if let Some(m) = find(db, token).await?.filter(|m| m.status == "sent") {
        count(db, &m, false).await?;
    }
    Ok(())
}

/// Counts a click and returns where to send the reader: `url`, when it is one of the
/// message's own links.
///
/// # Errors
/// `NotFound` for an unknown token or a link the message did not contain.
pub async fn click(db: &DatabaseConnection, token: &str, url: &str) -> Result<String> {
    let m = find(db, token).await?.ok_or(DomainError::NotFound("link"))?;
    let links: Vec<String> = m.links.as_deref().and_then(|l| serde_json::from_str(l).ok()).unwrap_or_default();
    if !links.iter().any(|l| l == url) {
        return Err(DomainError::NotFound("link"));
    }
    count(db, &m, true).await?;
    Ok(url.to_owned())
}

/// Opts the message's customer out of the message's channel. Returns the channel.
///
/// # Errors
/// `NotFound` for an unknown token; database failures.
pub async fn unsubscribe(db: &DatabaseConnection, token: &str) -> Result<String> {
    let m = find(db, token).await?.ok_or(DomainError::NotFound("message"))?;
    opt_outs::record(db, m.customer_id, &m.channel, "unsubscribe_link").await?;
    Ok(m.channel)
}
