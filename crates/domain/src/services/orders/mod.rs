//! Orders: what customers bought, with their lines. An order is created directly or
//! by accepting a quote, then moves through its statuses; cancelling keeps it.

use chrono::{NaiveDate, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};

use crate::entities::{order, order_line, quote};
use crate::error::{DomainError, Result};
use crate::list::{Page, Paging, parse_sort};
use crate::money::to_cents;
use crate::repo::audit::{self, Change};
use crate::repo::counters;
use crate::repo::orders::{self as repo, OrderFilter};
use crate::rules::transitions::{self, ORDER};
use crate::rules::validate::{self, Problems};
use crate::services::customers::{check_version, visible_customer};
use crate::services::quotes::lines::{self, cents, currency, percent, price_lines};
use crate::services::snapshot;
use crate::services::timeline::TimelineEntry;
use crate::time::now;
use crate::{Action, Actor, Scope};

mod model;

pub use model::{NewOrder, Order};

/// An order row before it has an id and a number.
struct Draft {
    customer_id: i64,
    quote_id: Option<i64>,
    owner_id: Option<i64>,
    order_date: NaiveDate,
    currency: String,
    tax_rate_bp: i32,
    tax_cents: i64,
    total_cents: i64,
    notes: Option<String>,
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

async fn visible(db: &impl ConnectionTrait, actor: &Actor, scope: Scope, id: i64) -> Result<order::Model> {
    match repo::find(db, id).await? {
        Some(m) if actor.reaches(scope, m.owner_id) => Ok(m),
        _ => Err(DomainError::NotFound("order")),
    }
}

async fn with_lines(db: &impl ConnectionTrait, rows: Vec<order::Model>) -> Result<Vec<Order>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut lines = repo::lines(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|m| {
            let l = lines.remove(&m.id).unwrap_or_default();
            Order::build(m, l)
        })
        .collect())
}

async fn reload(db: &impl ConnectionTrait, id: i64) -> Result<Order> {
    let m = repo::find(db, id).await?.ok_or(DomainError::NotFound("order"))?;
    with_lines(db, vec![m]).await?.pop().ok_or(DomainError::NotFound("order"))
}

/// Inserts an order under a fresh number with the lines `rows` makes for its id, and audits it.
async fn insert(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    d: Draft,
    rows: impl FnOnce(i64) -> Result<Vec<order_line::ActiveModel>>,
) -> Result<Order> {
    let at = now();
    let year = at.format("%Y").to_string();
    // Taken last: the counter row stays locked until commit.
    let n = counters::next(txn, &format!("order:{year}")).await?;
    let id = order::Entity::insert(order::ActiveModel {
        number: Set(format!("O-{year}-{n:06}")),
        customer_id: Set(d.customer_id),
        quote_id: Set(d.quote_id),
        owner_id: Set(d.owner_id),
        order_date: Set(d.order_date),
        status: Set("pending".into()),
        currency: Set(d.currency),
        tax_rate_bp: Set(d.tax_rate_bp),
        tax_cents: Set(d.tax_cents),
        total_cents: Set(d.total_cents),
        notes: Set(d.notes),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    })
    .exec(txn)
    .await?
    .last_insert_id;
    repo::insert_lines(txn, rows(id)?).await?;
    crate::repo::customer_stats::add_order(txn, d.customer_id, d.order_date, d.total_cents).await?;
    let products = crate::repo::product_pairs::products_of_order(txn, id).await?;
    crate::repo::product_pairs::record(txn, &products, 1).await?;
    crate::repo::customer_products::refresh(txn, &[d.customer_id]).await?;
    crate::repo::sales_rollups::add(txn, crate::repo::sales_rollups::Orders::Ids(&[id]), 1).await?;
    crate::repo::customer_rfm::orders_changed(txn).await?;
    let created = reload(txn, id).await?;
    audit::record(
        txn,
        actor,
        Change { entity: "order", entity_id: id, action: "create", before: None, after: snapshot(&created) },
    )
    .await?;
    crate::services::webhooks::emit(txn, "order.created", &created).await?;
    Ok(created)
}

/// Creates the order of an accepted quote inside the caller's transaction: the
/// quote's lines, tax and total copied as they are. Returns the order's id.
///
/// # Errors
/// Database failures.
pub(crate) async fn create_from_quote(txn: &impl ConnectionTrait, actor: &Actor, q: &quote::Model) -> Result<i64> {
    let quote_lines = crate::repo::quotes::lines(txn, &[q.id]).await?.remove(&q.id).unwrap_or_default();
    let draft = Draft {
        customer_id: q.customer_id,
        quote_id: Some(q.id),
        owner_id: q.owner_id.or(actor.user_id),
        order_date: today(),
        currency: q.currency.clone(),
        tax_rate_bp: q.tax_rate_bp,
        tax_cents: q.tax_cents,
        total_cents: q.total_cents,
        notes: q.notes.clone(),
    };
    let rows = |order_id: i64| {
        Ok(quote_lines
            .iter()
            .map(|l| order_line::ActiveModel {
                order_id: Set(order_id),
                position: Set(l.position),
                product_id: Set(l.product_id),
                description: Set(l.description.clone()),
                quantity_milli: Set(l.quantity_milli),
                unit_price_cents: Set(l.unit_price_cents),
                discount_bp: Set(l.discount_bp),
                line_total_cents: Set(l.line_total_cents),
                ..Default::default()
            })
            .collect())
    };
    Ok(insert(txn, actor, draft, rows).await?.id)
}

/// One order.
///
/// # Errors
/// `Forbidden`, `NotFound`, database failures.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<Order> {
    let scope = actor.require(Action::OrdersRead)?;
    let m = visible(db, actor, scope, id).await?;
    with_lines(db, vec![m]).await?.pop().ok_or(DomainError::NotFound("order"))
}

/// A money filter value (`total_from`, `total_to`) as cents.
///
/// # Errors
/// `Invalid` on `field` for more than two places or a negative amount.
pub fn amount_filter(field: &str, value: Option<Decimal>) -> Result<Option<i64>> {
    match value.map(|v| (v, to_cents(v))) {
        None => Ok(None),
        Some((_, Some(c))) if c >= 0 => Ok(Some(c)),
        Some((_, Some(_))) => Err(DomainError::invalid(field, "must not be negative")),
        Some((_, None)) => Err(DomainError::invalid(field, "must have at most two decimal places")),
    }
}

fn check_filter(f: &OrderFilter) -> Result<()> {
    let mut p = Problems::default();
    if let Some(s) = &f.status
        && !transitions::is_state(ORDER, s)
    {
        p.add("status", format!("must be one of {}", transitions::states(ORDER).join(", ")));
    }
    lines::storable_date(&mut p, "date_from", f.date_from);
    lines::storable_date(&mut p, "date_to", f.date_to);
    if let (Some(a), Some(b)) = (f.date_from, f.date_to)
        && a > b
    {
        p.add("date_from", "must not be after date_to");
    }
    if let (Some(a), Some(b)) = (f.total_from, f.total_to)
        && a > b
    {
        p.add("total_from", "must not be more than total_to");
    }
    p.finish()
}

/// A page of the orders the actor may see.
///
/// # Errors
/// `Forbidden`, `Invalid` (filters, sort, cursor), database failures.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &OrderFilter,
    sort: Option<&str>,
    paging: &Paging,
) -> Result<Page<Order>> {
    let scope = actor.require(Action::OrdersRead)?;
    check_filter(filter)?;
    let keys = parse_sort(sort, repo::SORT_FIELDS, repo::DEFAULT_SORT)?;
    let (rows, total, next) = repo::list(db, filter, actor.owner_filter(scope), &keys, paging).await?;
    let items = with_lines(db, rows).await?;
    Ok(crate::repo::page_of(items, paging, total, next))
}

/// A page of one customer's orders (the customer must be visible to the actor).
///
/// # Errors
/// `Forbidden`, `NotFound` (the customer), `Invalid`, database failures.
pub async fn for_customer(
    db: &impl ConnectionTrait,
    actor: &Actor,
    customer_id: i64,
    filter: &OrderFilter,
    sort: Option<&str>,
    paging: &Paging,
) -> Result<Page<Order>> {
    actor.require(Action::OrdersRead)?;
    let scope = actor.require(Action::CustomersRead)?;
    visible_customer(db, actor, scope, customer_id).await?;
    let filter = OrderFilter { customer_id: Some(customer_id), ..filter.clone() };
    list(db, actor, &filter, sort, paging).await
}

/// Creates an order for a customer the actor can see, owned by the customer's owner
/// (else by the creator).
///
/// # Errors
/// `Forbidden`, `Invalid` (fields, lines, a customer the actor cannot see), database failures.
pub async fn create(db: &DatabaseConnection, actor: &Actor, input: NewOrder) -> Result<Order> {
    actor.require(Action::OrdersWrite)?;
    let txn = db.begin().await?;
    let mut p = Problems::default();
    lines::storable_date(&mut p, "order_date", input.order_date);
    let currency = currency(&mut p, input.currency.as_deref());
    let tax_rate_bp = percent(&mut p, "tax_rate", input.tax_rate);
    let notes = validate::optional(&mut p, "notes", input.notes.as_deref(), 10_000);
    let priced = price_lines(&txn, &mut p, &input.lines, false).await?;
    p.finish()?;
    let scope = actor.require(Action::CustomersRead)?;
    let customer = visible_customer(&txn, actor, scope, input.customer_id).await.map_err(|e| match e {
        DomainError::NotFound(_) => DomainError::invalid("customer_id", "is not a customer you can see"),
        other => other,
    })?;
    let t = lines::totals(&priced, tax_rate_bp);
    let draft = Draft {
        customer_id: customer.id,
        quote_id: None,
        owner_id: customer.owner_id.or(actor.user_id),
        order_date: input.order_date.unwrap_or_else(today),
        currency,
        tax_rate_bp,
        tax_cents: cents(t.tax_total)?,
        total_cents: cents(t.total)?,
        notes,
    };
    let created = insert(&txn, actor, draft, |id| priced.iter().map(|l| l.order_row(id)).collect()).await?;
    txn.commit().await?;
    Ok(created)
}

/// Moves an order to `status` along the order rule table; `note` is kept in the audit
/// entry. `expected` is the caller's `If-Match` version.
///
/// # Errors
/// `Forbidden`, `NotFound`, `StaleVersion`, `Invalid` (unknown status, long note),
/// `InvalidTransition`, database failures.
pub async fn change_status(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    status: &str,
    note: Option<&str>,
) -> Result<Order> {
    let scope = actor.require(Action::OrdersWrite)?;
    let mut p = Problems::default();
    if !transitions::is_state(ORDER, status) {
        p.add("status", format!("must be one of {}", transitions::states(ORDER).join(", ")));
    }
    let note = validate::optional(&mut p, "note", note, 2000);
    p.finish()?;
    let txn = crate::repo::begin_read_committed(db).await?;
    let current = visible(&txn, actor, scope, id).await?;
    check_version(expected, current.version)?;
    transitions::check(ORDER, &current.status, status)?;
    let before = reload(&txn, id).await?;
    let this = crate::repo::sales_rollups::Orders::Ids(&[id]);
    // Another status that counts moves the order between the rows of the rollup by
    // status: out under the old status now, in under the new one after the update.
    let moves = status != "cancelled" && current.status != "cancelled" && status != current.status;
    if moves {
        crate::repo::sales_rollups::add_by_status(&txn, this, -1).await?;
    } else if status == "cancelled" && current.status != "cancelled" {
        // Taken back while the order still counts (the rollups skip cancelled orders).
        crate::repo::sales_rollups::add(&txn, this, -1).await?;
    }
    let res = order::Entity::update_many()
        .set(order::ActiveModel {
            status: Set(status.to_owned()),
            updated_at: Set(now()),
            version: Set(current.version + 1),
            ..Default::default()
        })
        .filter(order::Column::Id.eq(id))
        .filter(order::Column::Version.eq(current.version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(DomainError::StaleVersion { expected: current.version, current: current.version + 1 });
    }
    if moves {
        crate::repo::sales_rollups::add_by_status(&txn, this, 1).await?;
    }
    if status == "cancelled" {
        crate::repo::customer_stats::recompute(&txn, current.customer_id).await?;
        let products = crate::repo::product_pairs::products_of_order(&txn, id).await?;
        crate::repo::product_pairs::record(&txn, &products, -1).await?;
        crate::repo::customer_products::refresh(&txn, &[current.customer_id]).await?;
    }
    crate::repo::customer_rfm::orders_changed(&txn).await?;
    let after = reload(&txn, id).await?;
    let mut recorded = snapshot(&after);
    if let (Some(serde_json::Value::Object(fields)), Some(n)) = (recorded.as_mut(), note) {
        fields.insert("status_note".into(), n.into());
    }
    audit::record(
        &txn,
        actor,
        Change { entity: "order", entity_id: id, action: "status", before: snapshot(&before), after: recorded },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// A customer's orders for the timeline, newest first, created before `before`.
///
/// # Errors
/// Database failures.
pub(crate) async fn timeline_entries(
    db: &impl ConnectionTrait,
    customer_id: i64,
    before: Option<NaiveDateTime>,
    limit: u64,
) -> Result<Vec<TimelineEntry>> {
    let rows = repo::for_customer(db, customer_id, before, limit).await?;
    let orders = with_lines(db, rows).await?;
    Ok(orders
        .into_iter()
        .map(|o| TimelineEntry {
            at: o.created_at,
            kind: "order".into(),
            summary: format!("order {} ({}, {} {})", o.number, o.status, lines::grouped(o.total_amount), o.currency),
            ref_id: o.id,
            actor: None,
            data: snapshot(&o).unwrap_or_default(),
        })
        .collect())
}
