//! Segments: the filter as one SQL condition over `customers` (sub-queries on tags,
//! order aggregates, order lines and service requests), so that the database counts
//! and pages the members and nothing loads every customer.

use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::entities::{
    customer, customer_order_stats as stats, customer_tag, order, order_line, product, segment, service_request,
};
use crate::rules::segment_filter::CheckedFilter;

fn stats_ids(cond: Condition) -> SelectStatement {
    Query::select().column(stats::Column::CustomerId).from(stats::Entity).cond_where(cond).to_owned()
}

fn buyers(product_cond: Condition) -> SelectStatement {
    Query::select()
        .column((order::Entity, order::Column::CustomerId))
        .from(order::Entity)
        .inner_join(
            order_line::Entity,
            Expr::col((order_line::Entity, order_line::Column::OrderId)).equals((order::Entity, order::Column::Id)),
        )
        .and_where(Expr::col((order::Entity, order::Column::Status)).ne("cancelled"))
        .cond_where(product_cond)
        .to_owned()
}

/// The customers (live ones) a filter holds, as a condition on `customers`.
/// `rfm` is the condition for `rfm_segment`, built by the caller from today's scores.
pub fn condition(c: &CheckedFilter, rfm: Option<Condition>) -> Condition {
    use customer::Column as C;
    let f = &c.filter;
    let mut cond = Condition::all().add(C::DeletedAt.is_null());
    if let Some(city) = &f.city {
        cond = cond.add(C::City.eq(city.clone()));
    }
    if let Some(source) = &f.source {
        cond = cond.add(C::Source.eq(source.clone()));
    }
    if let Some(owner) = f.owner_id {
        cond = cond.add(C::OwnerId.eq(owner));
    }
    if let Some(m) = f.birthday_month {
        cond = cond.add(C::BirthdayMonth.eq(m));
    }
    if let Some(t) = f.created_from {
        cond = cond.add(C::CreatedAt.gte(t.naive_utc()));
    }
    if let Some(t) = f.created_to {
        cond = cond.add(C::CreatedAt.lt(t.naive_utc()));
    }
    for tag in &f.tags {
        cond = cond.add(
            C::Id.in_subquery(
                Query::select()
                    .column(customer_tag::Column::CustomerId)
                    .from(customer_tag::Entity)
                    .and_where(customer_tag::Column::Tag.eq(tag.clone()))
                    .to_owned(),
            ),
        );
    }
    if let Some(rfm) = rfm {
        cond = cond.add(rfm);
    }
    if let Some(p) = f.bought_product_id {
        cond = cond.add(C::Id.in_subquery(buyers(Condition::all().add(order_line::Column::ProductId.eq(p)))));
    }
    if let Some(cat) = &f.bought_category {
        let in_category = Query::select()
            .column(product::Column::Id)
            .from(product::Entity)
            .and_where(product::Column::Category.eq(cat.clone()))
            .to_owned();
        cond = cond.add(
            C::Id.in_subquery(buyers(Condition::all().add(order_line::Column::ProductId.in_subquery(in_category)))),
        );
    }
    // Customers without an aggregate row have no orders: 0 orders, 0 spent, no last order.
    if let Some(min) = c.spend_min_cents.filter(|m| *m > 0) {
        cond = cond.add(C::Id.in_subquery(stats_ids(Condition::all().add(stats::Column::TotalCents.gte(min)))));
    }
    if let Some(max) = c.spend_max_cents {
        cond = cond.add(C::Id.not_in_subquery(stats_ids(Condition::all().add(stats::Column::TotalCents.gt(max)))));
    }
    if let Some(min) = f.order_count_min.filter(|m| *m > 0) {
        cond = cond.add(C::Id.in_subquery(stats_ids(Condition::all().add(stats::Column::OrderCount.gte(min)))));
    }
    if let Some(max) = f.order_count_max {
        cond = cond.add(C::Id.not_in_subquery(stats_ids(Condition::all().add(stats::Column::OrderCount.gt(max)))));
    }
    if let Some(d) = f.last_order_from {
        cond = cond.add(C::Id.in_subquery(stats_ids(Condition::all().add(stats::Column::LastOrderDate.gte(d)))));
    }
    if let Some(d) = f.last_order_to {
        cond = cond.add(C::Id.in_subquery(stats_ids(Condition::all().add(stats::Column::LastOrderDate.lt(d)))));
    }
    if let Some(open) = f.has_open_service_request {
        let open_requests = Query::select()
            .column(service_request::Column::CustomerId)
            .from(service_request::Entity)
            .and_where(service_request::Column::Status.is_not_in(["resolved", "closed"]))
            .to_owned();
        cond = cond.add(if open { C::Id.in_subquery(open_requests) } else { C::Id.not_in_subquery(open_requests) });
    }
    cond
}

/// How many customers match.
///
/// # Errors
/// Database failures.
pub async fn count(db: &impl ConnectionTrait, cond: Condition) -> Result<u64, DbErr> {
    customer::Entity::find().filter(cond).count(db).await
}

/// The first `limit` matching customers by id after `after_id`.
///
/// # Errors
/// Database failures.
pub async fn members(
    db: &impl ConnectionTrait,
    cond: Condition,
    after_id: i64,
    limit: u64,
) -> Result<Vec<customer::Model>, DbErr> {
    customer::Entity::find()
        .filter(cond)
        .filter(customer::Column::Id.gt(after_id))
        .order_by_asc(customer::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// The live segment with this id.
///
/// # Errors
/// Database failures.
pub async fn find_live(db: &impl ConnectionTrait, id: i64) -> Result<Option<segment::Model>, DbErr> {
    segment::Entity::find_by_id(id).filter(segment::Column::DeletedAt.is_null()).one(db).await
}

/// Live segments by name.
///
/// # Errors
/// Database failures.
pub async fn list(db: &impl ConnectionTrait, offset: u64, limit: u64) -> Result<(Vec<segment::Model>, u64), DbErr> {
    let q = segment::Entity::find().filter(segment::Column::DeletedAt.is_null());
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_asc(segment::Column::Name)
        .order_by_asc(segment::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}
