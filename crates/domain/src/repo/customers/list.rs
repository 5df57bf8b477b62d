//! The customer list: its filter, sort fields and paged query; a search read the way
//! the number of customers it finds plans ([`customer_search`]).

use chrono::NaiveDateTime;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Select, TransactionTrait};

use crate::entities::{customer, customer_tag};
use crate::error::Result;
use crate::list::{Cursor, Paging, SortKey};
use crate::repo;
use crate::repo::customer_search::{self, Found, Plan};

/// Sort fields of the customer list.
pub const SORT_FIELDS: &[&str] = &["id", "name", "city", "created_at", "updated_at"];
/// The default order: newest first.
pub const DEFAULT_SORT: SortKey = SortKey { field: "created_at", desc: true };

/// Conditions of the customer list (all optional, combined with AND).
#[derive(Clone, Debug, Default)]
pub struct CustomerFilter {
    /// Case-insensitive substring of name, email, phone or company.
    pub q: Option<String>,
    /// Exact city.
    pub city: Option<String>,
    /// Exact (lower-cased) email.
    pub email: Option<String>,
    /// Owner.
    pub owner_id: Option<i64>,
    /// Has this tag.
    pub tag: Option<String>,
    /// Birthday in this month (1–12).
    pub birthday_month: Option<i16>,
    /// Created at or after.
    pub created_from: Option<NaiveDateTime>,
    /// Created before.
    pub created_to: Option<NaiveDateTime>,
    /// In this RFM segment today (a segment key such as `champions`; the service
    /// validates it and refreshes the stored scores first).
    pub rfm_segment: Option<String>,
}

impl CustomerFilter {
    /// Whether the filter is a search (`q`) and nothing else.
    fn searches_only(&self) -> bool {
        let Self { q, city, email, owner_id, tag, birthday_month, created_from, created_to, rfm_segment } = self;
        q.is_some()
            && city.is_none()
            && email.is_none()
            && owner_id.is_none()
            && tag.is_none()
            && birthday_month.is_none()
            && created_from.is_none()
            && created_to.is_none()
            && rfm_segment.is_none()
    }

    /// Whose live customers the list selects when it has no condition but an owner:
    /// `Some(None)` everyone's, `Some(Some(owner))` one owner's (`owner` being the
    /// record-level scope). `None` when other conditions (or two different owners) leave
    /// the rows to be counted.
    fn whose(&self, owner: Option<i64>) -> Option<Option<i64>> {
        let Self { q, city, email, owner_id, tag, birthday_month, created_from, created_to, rfm_segment } = self;
        let conditions = q.is_some()
            || city.is_some()
            || email.is_some()
            || tag.is_some()
            || birthday_month.is_some()
            || created_from.is_some()
            || created_to.is_some()
            || rfm_segment.is_some();
        // The counts keep customers without an owner under 0, which no user has.
        match (owner, *owner_id) {
            _ if conditions => None,
            (None, None) => Some(None),
            (Some(o), None) | (None, Some(o)) => (o > 0).then_some(Some(o)),
            (Some(a), Some(b)) => (a == b && a > 0).then_some(Some(a)),
        }
    }
}

/// The live customers `f` selects (of `owner`'s, when given), a search reached as
/// `plan` says, by the ids it `found` when given.
pub(super) fn filtered(
    f: &CustomerFilter,
    owner: Option<i64>,
    backend: DbBackend,
    plan: Plan,
    found: Option<&Found>,
) -> Select<customer::Entity> {
    use customer::Column as C;
    let mut q = customer::Entity::find().filter(C::DeletedAt.is_null());
    if let Some(owner) = owner {
        q = q.filter(C::OwnerId.eq(owner));
    }
    if let Some(text) = f.q.as_deref() {
        q = q.filter(customer_search::condition(backend, &text.to_lowercase(), plan, found));
    }
    if let Some(city) = &f.city {
        q = q.filter(C::City.eq(city.clone()));
    }
    if let Some(email) = &f.email {
        q = q.filter(C::EmailKey.eq(email.to_lowercase()));
    }
    if let Some(owner) = f.owner_id {
        q = q.filter(C::OwnerId.eq(owner));
    }
    if let Some(tag) = &f.tag {
        q = q.filter(
            C::Id.in_subquery(
                Query::select()
                    .column(customer_tag::Column::CustomerId)
                    .from(customer_tag::Entity)
                    .and_where(customer_tag::Column::Tag.eq(tag.to_lowercase()))
                    .to_owned(),
            ),
        );
    }
    if let Some(m) = f.birthday_month {
        q = q.filter(C::BirthdayMonth.eq(m));
    }
    if let Some(t) = f.created_from {
        q = q.filter(C::CreatedAt.gte(t));
    }
    if let Some(t) = f.created_to {
        q = q.filter(C::CreatedAt.lt(t));
    }
    if let Some(seg) = f.rfm_segment.as_deref().and_then(rapport_analytics::rfm::Segment::parse) {
        q = q.filter(repo::customer_rfm::segment_condition(seg));
    }
    q
}

impl repo::Row for customer::Model {
    fn row_id(&self) -> i64 {
        self.id
    }

    fn cursor_value(&self, field: &str) -> Option<String> {
        match field {
            "name" => Some(self.name_lower.clone()),
            "created_at" => Some(repo::time_text(self.created_at)),
            "updated_at" => Some(repo::time_text(self.updated_at)),
            _ => None,
        }
    }
}

const FIELDS: &[repo::SortField<customer::Column>] = &[
    repo::SortField { field: "id", column: customer::Column::Id, kind: repo::CursorKind::Id },
    repo::SortField { field: "name", column: customer::Column::NameLower, kind: repo::CursorKind::Text },
    repo::SortField { field: "city", column: customer::Column::City, kind: repo::CursorKind::No },
    repo::SortField { field: "created_at", column: customer::Column::CreatedAt, kind: repo::CursorKind::Time },
    repo::SortField { field: "updated_at", column: customer::Column::UpdatedAt, kind: repo::CursorKind::Time },
];

/// One page of live customers. `owner` restricts to one owner's records (record-level scope).
///
/// # Errors
/// `Invalid` for a cursor that does not fit the sort; database failures.
pub async fn list(
    db: &(impl ConnectionTrait + TransactionTrait),
    f: &CustomerFilter,
    owner: Option<i64>,
    keys: &[SortKey],
    paging: &Paging,
) -> Result<(Vec<customer::Model>, Option<u64>, Option<Cursor>)> {
    let backend = db.get_database_backend();
    let Some(needle) = f.q.as_deref().map(str::to_lowercase) else {
        let select = filtered(f, owner, backend, Plan::Fetch, None);
        if let (&Paging::Offset { page, per_page, count: true }, Some(whose)) = (paging, f.whose(owner)) {
            // The total from the counts by owner rather than from the rows.
            let uncounted = Paging::Offset { page, per_page, count: false };
            let (rows, _, next) = repo::paged(db, select, FIELDS, customer::Column::Id, keys, &uncounted).await?;
            let total = match repo::total_from_page(page, per_page, rows.len()) {
                Some(total) => total,
                None => repo::daily_counts::live_customers(db, whose).await?,
            };
            return Ok((rows, Some(total), next));
        }
        return repo::paged(db, select, FIELDS, customer::Column::Id, keys, paging).await;
    };
    if backend != DbBackend::Postgres {
        return search(db, f, owner, &needle, keys, paging).await;
    }
    // Each statement planned for its needle: only then do the LIKEs meet the trigram
    // indexes. The planner settings of `search` end with the transaction.
    let txn = repo::begin_custom_plans(db).await?;
    let page = search(&txn, f, owner, &needle, keys, paging).await?;
    sea_orm::TransactionSession::commit(txn).await?;
    Ok(page)
}

/// A page of a search for `needle` (lower-cased): what the search finds first, and then
/// the total and the page read as that number says ([`customer_search::plan`]).
async fn search(
    db: &impl ConnectionTrait,
    f: &CustomerFilter,
    owner: Option<i64>,
    needle: &str,
    keys: &[SortKey],
    paging: &Paging,
) -> Result<(Vec<customer::Model>, Option<u64>, Option<Cursor>)> {
    let backend = db.get_database_backend();
    let found = customer_search::find(db, needle).await?;
    let found = found.as_ref();
    let plan = customer_search::plan(found.map(|found| found.count), keys);
    let total = match paging {
        // A search with no other condition: the number found is the total.
        Paging::Offset { count: true, .. } => match found {
            Some(found) if owner.is_none() && f.searches_only() => Some(found.count),
            _ => Some(repo::capped_count(db, filtered(f, owner, backend, Plan::Fetch, found)).await?),
        },
        _ => None,
    };
    if let Some(setting) = customer_search::planner_setting(backend, plan) {
        db.execute_unprepared(setting).await?;
    }
    let paging = match *paging {
        Paging::Offset { page, per_page, .. } => Paging::Offset { page, per_page, count: false },
        ref cursor => cursor.clone(),
    };
    let select = filtered(f, owner, backend, plan, found);
    let (rows, _, next) = repo::paged(db, select, FIELDS, customer::Column::Id, keys, &paging).await?;
    Ok((rows, total, next))
}
