//! Per-customer order aggregates, kept in step with orders inside their transactions.

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use crate::entities::{customer_order_stats as stats, order};

/// Counts a new (not cancelled) order. The increment is one `UPDATE` on the
/// customer's row, so concurrent orders of one customer queue on its row lock.
///
/// # Errors
/// Database failures.
pub async fn add_order(
    db: &impl ConnectionTrait,
    customer_id: i64,
    date: NaiveDate,
    total_cents: i64,
) -> Result<(), DbErr> {
    stats::Entity::insert(stats::ActiveModel {
        customer_id: Set(customer_id),
        first_order_date: Set(date),
        last_order_date: Set(date),
        order_count: Set(0),
        total_cents: Set(0),
    })
    .on_conflict_do_nothing_on([stats::Column::CustomerId])
    .exec(db)
    .await?;
    use stats::Column as C;
    stats::Entity::update_many()
        .col_expr(C::OrderCount, Expr::col(C::OrderCount).add(1i64))
        .col_expr(C::TotalCents, Expr::col(C::TotalCents).add(total_cents))
        .col_expr(
            C::FirstOrderDate,
            Expr::case(Expr::col(C::FirstOrderDate).gt(date), date).finally(Expr::col(C::FirstOrderDate)).into(),
        )
        .col_expr(
            C::LastOrderDate,
            Expr::case(Expr::col(C::LastOrderDate).lt(date), date).finally(Expr::col(C::LastOrderDate)).into(),
        )
        .filter(C::CustomerId.eq(customer_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Recomputes one customer's aggregates from their orders (after a cancellation).
///
/// # Errors
/// Database failures.
pub async fn recompute(db: &impl ConnectionTrait, customer_id: i64) -> Result<(), DbErr> {
    let rows = from_orders(db, &[customer_id], None).await?;
    stats::Entity::delete_many().filter(stats::Column::CustomerId.eq(customer_id)).exec(db).await?;
    if let Some(r) = rows.into_iter().next() {
        stats::Entity::insert(stats::ActiveModel {
            customer_id: Set(r.customer_id),
            first_order_date: Set(r.first_order_date),
            last_order_date: Set(r.last_order_date),
            order_count: Set(r.order_count),
            total_cents: Set(r.total_cents),
        })
        .exec(db)
        .await?;
    }
    Ok(())
}

/// Aggregates computed from the orders themselves for these customers, counting only
/// orders dated before `before` when given.
///
/// # Errors
/// Database failures.
pub async fn from_orders(
    db: &impl ConnectionTrait,
    customers: &[i64],
    before: Option<NaiveDate>,
) -> Result<Vec<stats::Model>, DbErr> {
    let backend = db.get_database_backend();
    let mut out = Vec::new();
    for chunk in customers.chunks(500) {
        let mut q = order::Entity::find()
            .select_only()
            .column(order::Column::CustomerId)
            .column_as(order::Column::OrderDate.min(), "first_order_date")
            .column_as(order::Column::OrderDate.max(), "last_order_date")
            .column_as(order::Column::Id.count(), "order_count")
            .column_as(crate::repo::sum_i64(Expr::col(order::Column::TotalCents), backend), "total_cents")
            .filter(order::Column::CustomerId.is_in(chunk.iter().copied()))
            .filter(order::Column::Status.ne("cancelled"));
        if let Some(d) = before {
            q = q.filter(order::Column::OrderDate.lt(d));
        }
        let rows: Vec<(i64, NaiveDate, NaiveDate, i64, i64)> =
            q.group_by(order::Column::CustomerId).into_tuple().all(db).await?;
        out.extend(rows.into_iter().map(
            |(customer_id, first_order_date, last_order_date, order_count, total_cents)| stats::Model {
                customer_id,
                first_order_date,
                last_order_date,
                order_count,
                total_cents,
            },
        ));
    }
    Ok(out)
}

/// Every customer's aggregates as plain tuples (customer, first date, last date, count,
/// cents), by customer id, read in chunks (`repo::scan`).
///
/// # Errors
/// Database failures.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<(i64, NaiveDate, NaiveDate, i64, i64)>, DbErr> {
    let mut out = Vec::new();
    crate::repo::scan::by_key(
        db,
        "customer_order_stats",
        &["customer_id", "first_order_date", "last_order_date", "order_count", "total_cents"],
        |r: &(i64, NaiveDate, NaiveDate, i64, i64)| r.0,
        |r| out.push(r),
    )
    .await?;
    Ok(out)
}

/// Customers with a (not cancelled) order dated on or after `date`, each once, by id.
///
/// No `DISTINCT` in SQL: with it SQLite walks the (customer, date) index over every
/// order (0.5 s at 10M orders) instead of seeking the few orders from `date` on in the
/// date index.
///
/// # Errors
/// Database failures.
pub async fn ordering_since(db: &impl ConnectionTrait, date: NaiveDate) -> Result<Vec<i64>, DbErr> {
    let mut ids: Vec<i64> = order::Entity::find()
        .select_only()
        .column(order::Column::CustomerId)
        .filter(order::Column::OrderDate.gte(date))
        .filter(order::Column::Status.ne("cancelled"))
        .into_tuple()
        .all(db)
        .await?;
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}
