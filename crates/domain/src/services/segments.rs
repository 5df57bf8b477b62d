//! Marketing segments: saved, validated customer filters, evaluated in the database.

use chrono::{DateTime, Utc};
use rapport_analytics::rfm::Segment as RfmSegment;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait,
};
use serde::Serialize;

use crate::entities::{customer, segment};
use crate::error::{DomainError, Result};
use crate::list::Page;
use crate::repo::audit::{self, Change};
use crate::repo::{products, segments as repo};
use crate::rules::segment_filter::{self, CheckedFilter, SegmentFilter};
use crate::rules::validate::{self, Problems};
use crate::services::customers::check_version;
use crate::services::snapshot;
use crate::time::{now, utc};
use crate::{Action, Actor};

/// A segment as the outside world sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub filter: SegmentFilter,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl TryFrom<segment::Model> for Segment {
    type Error = DomainError;

    fn try_from(m: segment::Model) -> Result<Self> {
        let filter = serde_json::from_str(&m.filter)
            .map_err(|e| DomainError::Internal(format!("segment {} holds an unreadable filter: {e}", m.id)))?;
        Ok(Self {
            id: m.id,
            name: m.name,
            description: m.description,
            filter,
            created_by: m.created_by,
            created_at: utc(m.created_at),
            updated_at: utc(m.updated_at),
            version: m.version,
        })
    }
}

/// A customer in a segment, as previews and member lists show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub city: Option<String>,
    pub owner_id: Option<i64>,
}

impl From<customer::Model> for Member {
    fn from(c: customer::Model) -> Self {
        Self { id: c.id, name: c.name, email: c.email, phone: c.phone, city: c.city, owner_id: c.owner_id }
    }
}

/// A filter's size and first members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Preview {
    pub count: u64,
    pub sample: Vec<Member>,
}

/// The fields a segment is made of.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SegmentInput {
    pub name: String,
    pub description: Option<String>,
    pub filter: SegmentFilter,
}

/// Checks a filter, including that the product it names exists.
///
/// # Errors
/// `Invalid`; database failures.
pub async fn check_filter(db: &impl ConnectionTrait, f: SegmentFilter) -> Result<CheckedFilter> {
    let checked = segment_filter::check(f)?;
    let mut p = Problems::default();
    if let Some(s) = &checked.filter.rfm_segment
        && RfmSegment::parse(s).is_none()
    {
        let keys: Vec<&str> = RfmSegment::ALL.iter().map(|s| s.as_str()).collect();
        p.add("rfm_segment", format!("must be one of {}", keys.join(", ")));
    }
    if let Some(id) = checked.filter.bought_product_id
        && products::find_live(db, id).await?.is_none()
    {
        p.add("bought_product_id", format!("product {id} does not exist"));
    }
    p.finish()?;
    Ok(checked)
}

/// The SQL condition selecting a checked filter's customers (RFM scores refreshed first
/// when the filter names an RFM segment).
///
/// # Errors
/// Database failures.
pub async fn members_condition(db: &DatabaseConnection, f: &CheckedFilter) -> Result<Condition> {
    let rfm = if f.filter.uses_rfm() {
        crate::services::rfm::ensure_fresh(db, db, crate::time::now().date()).await?;
        let mut c = Condition::all();
        if let Some(s) = &f.filter.rfm_segment {
            c = c.add(rfm_condition(s)?);
        }
        let range =
            |lo: Option<u8>, hi: Option<u8>| (lo.is_some() || hi.is_some()).then(|| lo.unwrap_or(1)..=hi.unwrap_or(5));
        let ranges = crate::repo::customer_rfm::ScoreRanges {
            r: range(f.filter.r_score_min, f.filter.r_score_max),
            f: range(f.filter.f_score_min, f.filter.f_score_max),
            m: range(f.filter.m_score_min, f.filter.m_score_max),
        };
        if ranges != crate::repo::customer_rfm::ScoreRanges::default() {
            c = c.add(crate::repo::customer_rfm::score_condition(&ranges));
        }
        Some(c)
    } else {
        None
    };
    Ok(repo::condition(f, rfm))
}

fn rfm_condition(segment: &str) -> Result<Condition> {
    let segment = RfmSegment::parse(segment).ok_or_else(|| DomainError::invalid("rfm_segment", "unknown segment"))?;
    Ok(crate::repo::customer_rfm::segment_condition(segment))
}

/// How many customers a filter holds, and the first ten by id.
///
/// # Errors
/// `Forbidden`, `Invalid`, database failures.
pub async fn preview(db: &DatabaseConnection, actor: &Actor, f: SegmentFilter) -> Result<Preview> {
    actor.require(Action::MarketingRead)?;
    let checked = check_filter(db, f).await?;
    let cond = members_condition(db, &checked).await?;
    let count = repo::count(db, cond.clone()).await?;
    let sample = repo::members(db, cond, 0, 10).await?.into_iter().map(Member::from).collect();
    Ok(Preview { count, sample })
}

fn validated_fields(input: &SegmentInput) -> Result<(String, Option<String>)> {
    let mut p = Problems::default();
    let name = validate::required(&mut p, "name", &input.name, 200);
    let description = validate::optional(&mut p, "description", input.description.as_deref(), 2000);
    p.finish()?;
    Ok((name, description))
}

fn filter_json(f: &SegmentFilter) -> Result<String> {
    serde_json::to_string(f).map_err(|e| DomainError::Internal(format!("segment filter: {e}")))
}

/// One segment.
///
/// # Errors
/// `Forbidden`, `NotFound`, database failures.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<Segment> {
    actor.require(Action::MarketingRead)?;
    repo::find_live(db, id).await?.ok_or(DomainError::NotFound("segment"))?.try_into()
}

/// Segments by name, in numbered pages.
///
/// # Errors
/// `Forbidden`, database failures.
pub async fn list(db: &impl ConnectionTrait, actor: &Actor, page: u64, per_page: u64) -> Result<Page<Segment>> {
    actor.require(Action::MarketingRead)?;
    let (rows, total) = repo::list(db, (page - 1) * per_page, per_page).await?;
    let items = rows.into_iter().map(Segment::try_from).collect::<Result<Vec<_>>>()?;
    Ok(Page { items, page: Some(page), per_page, total: Some(total), total_capped: false, next_cursor: None })
}

/// Saves a new segment.
///
/// # Errors
/// `Forbidden`, `Invalid`, database failures.
pub async fn create(db: &DatabaseConnection, actor: &Actor, input: SegmentInput) -> Result<Segment> {
    actor.require(Action::MarketingWrite)?;
    let (name, description) = validated_fields(&input)?;
    let checked = check_filter(db, input.filter).await?;
    let txn = db.begin().await?;
    let at = now();
    let id = segment::Entity::insert(segment::ActiveModel {
        name: Set(name),
        description: Set(description),
        filter: Set(filter_json(&checked.filter)?),
        created_by: Set(actor.user_id),
        created_at: Set(at),
        updated_at: Set(at),
        deleted_at: Set(None),
        version: Set(1),
        ..Default::default()
    })
    .exec(&txn)
    .await?
    .last_insert_id;
    let created: Segment = repo::find_live(&txn, id).await?.ok_or(DomainError::NotFound("segment"))?.try_into()?;
    audit::record(
        &txn,
        actor,
        Change { entity: "segment", entity_id: id, action: "create", before: None, after: snapshot(&created) },
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// A partial update of a segment: `None` leaves a field alone; a filter replaces the old one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SegmentChanges {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub filter: Option<SegmentFilter>,
}

/// Changes a segment's name, description or filter. `expected` is the `If-Match` version.
///
/// # Errors
/// `Forbidden`, `NotFound`, `StaleVersion`, `Invalid`, database failures.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    changes: SegmentChanges,
) -> Result<Segment> {
    actor.require(Action::MarketingWrite)?;
    let txn = db.begin().await?;
    let before: Segment = repo::find_live(&txn, id).await?.ok_or(DomainError::NotFound("segment"))?.try_into()?;
    check_version(expected, before.version)?;
    let input = SegmentInput {
        name: changes.name.unwrap_or_else(|| before.name.clone()),
        description: changes.description.unwrap_or_else(|| before.description.clone()),
        filter: changes.filter.unwrap_or_else(|| before.filter.clone()),
    };
    let (name, description) = validated_fields(&input)?;
    let checked = check_filter(&txn, input.filter).await?;
    let res = segment::Entity::update_many()
        .set(segment::ActiveModel {
            name: Set(name),
            description: Set(description),
            filter: Set(filter_json(&checked.filter)?),
            updated_at: Set(now()),
            version: Set(before.version + 1),
            ..Default::default()
        })
        .filter(segment::Column::Id.eq(id))
        .filter(segment::Column::Version.eq(before.version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(DomainError::StaleVersion { expected: before.version, current: before.version + 1 });
    }
    let after: Segment = repo::find_live(&txn, id).await?.ok_or(DomainError::NotFound("segment"))?.try_into()?;
    audit::record(
        &txn,
        actor,
        Change {
            entity: "segment",
            entity_id: id,
            action: "update",
            before: snapshot(&before),
            after: snapshot(&after),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Soft-deletes a segment; campaigns that used it keep their materialised messages.
///
/// # Errors
/// `Forbidden`, `NotFound`, `StaleVersion`, database failures.
pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: i64, expected: Option<i32>) -> Result<()> {
    actor.require(Action::MarketingWrite)?;
    let txn = db.begin().await?;
    let before: Segment = repo::find_live(&txn, id).await?.ok_or(DomainError::NotFound("segment"))?.try_into()?;
    check_version(expected, before.version)?;
    segment::Entity::update_many()
        .set(segment::ActiveModel {
            deleted_at: Set(Some(now())),
            version: Set(before.version + 1),
            ..Default::default()
        })
        .filter(segment::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        actor,
        Change { entity: "segment", entity_id: id, action: "delete", before: snapshot(&before), after: None },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A page of a saved segment's members, by customer id.
///
/// # Errors
/// `Forbidden`, `NotFound`, database failures.
pub async fn members(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    after_id: i64,
    per_page: u64,
) -> Result<(Vec<Member>, u64)> {
    let seg = get(db, actor, id).await?;
    let checked = check_filter(db, seg.filter).await?;
    let cond = members_condition(db, &checked).await?;
    let total = repo::count(db, cond.clone()).await?;
    let rows = repo::members(db, cond, after_id, per_page).await?;
    Ok((rows.into_iter().map(Member::from).collect(), total))
}
