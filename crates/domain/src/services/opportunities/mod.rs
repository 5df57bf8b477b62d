//! Opportunities: possible deals with a customer, moving through stages.

mod change;
mod create;
mod model;
mod queries;

pub use change::{delete, update, win_in};
pub use create::create;
pub(crate) use create::{OpportunityRow, insert_in};
pub use model::{NewOpportunity, Opportunity, OpportunityChanges};
pub use queries::{PipelineStage, get, list, pipeline};

use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;

use crate::entities::opportunity;
use crate::error::{DomainError, Result};
use crate::money::to_cents;
use crate::repo::opportunities as repo;
use crate::rules::validate::Problems;
use crate::{Actor, Scope};

/// The largest amount an opportunity may have (cents fit comfortably in 64 bits).
pub const MAX_AMOUNT_CENTS: i64 = 9_999_999_999_999;

pub(crate) fn amount_cents(p: &mut Problems, amount: Decimal) -> i64 {
    match to_cents(amount) {
        Some(c) if (0..=MAX_AMOUNT_CENTS).contains(&c) => c,
        Some(_) => {
            p.add("amount", "must be between 0.00 and 99999999999.99");
            0
        }
        None => {
            p.add("amount", "must have at most two decimal places");
            0
        }
    }
}

fn check_probability(p: &mut Problems, probability: Option<i16>) {
    if probability.is_some_and(|v| !(0..=100).contains(&v)) {
        p.add("probability", "must be between 0 and 100");
    }
}

/// Loads an opportunity the actor may see; others are `NotFound`.
///
/// # Errors
/// `NotFound`, database failures.
pub async fn visible(db: &impl ConnectionTrait, actor: &Actor, scope: Scope, id: i64) -> Result<opportunity::Model> {
    match repo::find_live(db, id).await? {
        Some(m) if actor.reaches(scope, m.owner_id) => Ok(m),
        _ => Err(DomainError::NotFound("opportunity")),
    }
}
