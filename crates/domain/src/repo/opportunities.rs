//! Opportunity queries.

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, Select};

use crate::entities::opportunity;
use crate::error::Result;
use crate::list::{Cursor, Paging, SortKey};
use crate::repo::{self, CursorKind, SortField};

/// Sort fields of the opportunity list.
pub const SORT_FIELDS: &[&str] = &["id", "title", "amount", "expected_close_date", "created_at", "updated_at"];
/// Newest first.
pub const DEFAULT_SORT: SortKey = SortKey { field: "created_at", desc: true };

const FIELDS: &[SortField<opportunity::Column>] = &[
    SortField { field: "id", column: opportunity::Column::Id, kind: CursorKind::Id },
    SortField { field: "title", column: opportunity::Column::Title, kind: CursorKind::Text },
    SortField { field: "amount", column: opportunity::Column::AmountCents, kind: CursorKind::Int },
    SortField { field: "expected_close_date", column: opportunity::Column::ExpectedCloseDate, kind: CursorKind::No },
    SortField { field: "created_at", column: opportunity::Column::CreatedAt, kind: CursorKind::Time },
    SortField { field: "updated_at", column: opportunity::Column::UpdatedAt, kind: CursorKind::Time },
];

impl repo::Row for opportunity::Model {
    fn row_id(&self) -> i64 {
        self.id
    }

    fn cursor_value(&self, field: &str) -> Option<String> {
        match field {
            "title" => Some(self.title.clone()),
            "amount" => Some(self.amount_cents.to_string()),
            "created_at" => Some(repo::time_text(self.created_at)),
            "updated_at" => Some(repo::time_text(self.updated_at)),
            _ => None,
        }
    }
}

/// Conditions of the opportunity list.
#[derive(Clone, Debug, Default)]
pub struct OpportunityFilter {
    /// Case-insensitive substring of the title.
    pub q: Option<String>,
    pub stage: Option<String>,
    pub owner_id: Option<i64>,
    pub customer_id: Option<i64>,
    /// Expected close on or after.
    pub close_from: Option<NaiveDate>,
    /// Expected close on or before.
    pub close_to: Option<NaiveDate>,
    /// Amount at least (cents).
    pub amount_from: Option<i64>,
    /// Amount at most (cents).
    pub amount_to: Option<i64>,
}

/// The live opportunity with this id.
///
/// # Errors
/// Database failures.
pub async fn find_live(db: &impl ConnectionTrait, id: i64) -> Result<Option<opportunity::Model>, DbErr> {
    opportunity::Entity::find_by_id(id).filter(opportunity::Column::DeletedAt.is_null()).one(db).await
}

/// Live opportunities, restricted to one owner when `owner` is given.
pub fn filtered(f: &OpportunityFilter, owner: Option<i64>) -> Select<opportunity::Entity> {
    use opportunity::Column as C;
    let mut q = opportunity::Entity::find().filter(C::DeletedAt.is_null());
    if let Some(o) = owner {
        q = q.filter(C::OwnerId.eq(o));
    }
    if let Some(text) = &f.q {
        q = q.filter(Condition::all().add(repo::lower_contains(C::Title, &text.to_lowercase())));
    }
    if let Some(s) = &f.stage {
        q = q.filter(C::Stage.eq(s.clone()));
    }
    if let Some(o) = f.owner_id {
        q = q.filter(C::OwnerId.eq(o));
    }
    if let Some(c) = f.customer_id {
        q = q.filter(C::CustomerId.eq(c));
    }
    if let Some(d) = f.close_from {
        q = q.filter(C::ExpectedCloseDate.gte(d));
    }
    if let Some(d) = f.close_to {
        q = q.filter(C::ExpectedCloseDate.lte(d));
    }
    if let Some(a) = f.amount_from {
        q = q.filter(C::AmountCents.gte(a));
    }
    if let Some(a) = f.amount_to {
        q = q.filter(C::AmountCents.lte(a));
    }
    q
}

/// One page of opportunities.
///
/// # Errors
/// `Invalid` cursor; database failures.
pub async fn list(
    db: &impl ConnectionTrait,
    f: &OpportunityFilter,
    owner: Option<i64>,
    keys: &[SortKey],
    paging: &Paging,
) -> Result<(Vec<opportunity::Model>, Option<u64>, Option<Cursor>)> {
    repo::paged(db, filtered(f, owner), FIELDS, opportunity::Column::Id, keys, paging).await
}

/// Per stage: count, total amount and probability-weighted amount (cents × percent).
/// Unfiltered (but for the owner), from the sums the database keeps by stage and owner
/// (`opportunity_pipeline`, migration `m20261207_000026_opportunity_pipeline`); filtered,
/// from the opportunities.
///
/// # Errors
/// Database failures.
pub async fn pipeline(
    db: &impl ConnectionTrait,
    f: &OpportunityFilter,
    owner: Option<i64>,
) -> Result<Vec<(String, i64, i64, i64)>, DbErr> {
    use opportunity::Column as C;
    use sea_orm::sea_query::{Expr, ExprTrait};
    let OpportunityFilter { q, stage, owner_id, customer_id, close_from, close_to, amount_from, amount_to } = f;
    let unfiltered = q.is_none()
        && stage.is_none()
        && customer_id.is_none()
        && close_from.is_none()
        && close_to.is_none()
        && amount_from.is_none()
        && amount_to.is_none();
    if unfiltered {
        match (owner, *owner_id) {
            // Two different owners: nothing, which the opportunities tell.
            (Some(a), Some(b)) if a != b => {}
            (a, b) => return kept_pipeline(db, a.or(b)).await,
        }
    }
    // The database sums; Rust never loads the opportunities themselves. `COUNT(*)`, not
    // of the id, which the index does not hold: PostgreSQL then reads the index alone.
    let backend = db.get_database_backend();
    let weighted = Expr::col(C::AmountCents).mul(Expr::col(C::Probability));
    filtered(f, owner)
        .select_only()
        .column(C::Stage)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .column_as(repo::sum_i64(Expr::col(C::AmountCents), backend), "total")
        .column_as(repo::sum_i64(weighted, backend), "weighted")
        .group_by(C::Stage)
        .into_tuple::<(String, i64, Option<i64>, Option<i64>)>()
        .all(db)
        .await
        .map(|rows| rows.into_iter().map(|(s, n, t, w)| (s, n, t.unwrap_or(0), w.unwrap_or(0))).collect())
}

/// [`pipeline`] from `opportunity_pipeline`, optionally of one owner.
async fn kept_pipeline(db: &impl ConnectionTrait, owner: Option<i64>) -> Result<Vec<(String, i64, i64, i64)>, DbErr> {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
    let backend = db.get_database_backend();
    let mut q = Query::select();
    q.column(Alias::new("stage"))
        .from(Alias::new("opportunity_pipeline"))
        .add_group_by([Expr::col(Alias::new("stage"))]);
    for c in ["opportunities", "amount_cents", "weighted"] {
        q.expr_as(repo::sum_i64(Expr::col(Alias::new(c)), backend), Alias::new(c));
    }
    if let Some(o) = owner {
        q.and_where(Expr::col(Alias::new("owner_id")).eq(o));
    }
    let mut out = Vec::new();
    for r in db.query_all_raw(backend.build(&q)).await? {
        let n: i64 = r.try_get("", "opportunities")?;
        if n > 0 {
            out.push((r.try_get("", "stage")?, n, r.try_get("", "amount_cents")?, r.try_get("", "weighted")?));
        }
    }
    Ok(out)
}
