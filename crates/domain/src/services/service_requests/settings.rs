//! Service settings: SLA hours per priority and whether support agents see only their own requests.

use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, Result};
use crate::repo::audit::{self, Change};
use crate::repo::settings;
use crate::rules::sla::SlaHours;
use crate::{Action, Actor};

const KEY: &str = "service";

/// The service settings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceSettings {
    /// Hours to resolve, per priority (defaults 72/24/8/4).
    pub sla_hours: SlaHours,
    /// Support agents see and work only the requests assigned to them.
    pub support_own_only: bool,
}

/// The stored settings (defaults when none are stored).
///
/// # Errors
/// Database failures.
pub async fn current(db: &impl ConnectionTrait) -> Result<ServiceSettings> {
    Ok(settings::get(db, KEY).await?.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default())
}

/// Reads the settings as an admin or manager, with their version (the ETag).
///
/// # Errors
/// `Forbidden`, database failures.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor) -> Result<(ServiceSettings, i32)> {
    actor.require(Action::SettingsManage)?;
    let stored = settings::get_versioned(db, KEY).await?;
    let version = stored.as_ref().map_or(0, |(_, v)| *v);
    Ok((stored.and_then(|(v, _)| serde_json::from_str(&v).ok()).unwrap_or_default(), version))
}

/// Replaces the settings when they are still at version `expected` (any when `None`);
/// returns them with their new version. Due times of existing requests stay as they were
/// computed.
///
/// # Errors
/// `Forbidden`, `Invalid` hours, `StaleVersion`, database failures.
pub async fn set(
    db: &DatabaseConnection,
    actor: &Actor,
    new: ServiceSettings,
    expected: Option<i32>,
) -> Result<(ServiceSettings, i32)> {
    actor.require(Action::SettingsManage)?;
    if !new.sla_hours.is_valid() {
        return Err(DomainError::invalid("sla_hours", "every priority needs between 1 and 8760 hours"));
    }
    let txn = db.begin().await?;
    let before = current(&txn).await?;
    let json = serde_json::to_string(&new).map_err(|e| DomainError::Internal(e.to_string()))?;
    let version = settings::set(&txn, KEY, &json, expected).await?;
    audit::record(
        &txn,
        actor,
        Change {
            entity: "setting",
            entity_id: 0,
            action: "update",
            before: serde_json::to_value(before).ok().map(|v| serde_json::json!({ KEY: v })),
            after: serde_json::to_value(new).ok().map(|v| serde_json::json!({ KEY: v })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok((new, version))
}
