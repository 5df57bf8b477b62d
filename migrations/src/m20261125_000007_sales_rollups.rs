//! Monthly sales rollups for the dashboard and the sales analysis: revenue and order
//! count of orders that are not cancelled by month and owner, and by month × owner ×
//! product (with quantity; orders counted once per product) and month × owner × the
//! customer's city. Kept in step with orders (and with a customer's city) in the same
//! transactions; backfilled here from the orders a database already holds.
//!
//! `owner_id` 0 stands for "no owner" and `city` '' for "no city" (both are part of
//! the primary key, which cannot hold NULL; ids start at 1 and cities are never empty).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::util::{create_table, string};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SalesMonthly {
    Table,
    Month,
    OwnerId,
    RevenueCents,
    Orders,
}

#[derive(DeriveIden)]
enum SalesMonthlyProducts {
    Table,
    Month,
    OwnerId,
    ProductId,
    RevenueCents,
    QuantityMilli,
    Orders,
}

#[derive(DeriveIden)]
enum SalesMonthlyCities {
    Table,
    Month,
    OwnerId,
    City,
    RevenueCents,
    Orders,
}

fn money(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name).big_integer().not_null().take()
}

/// The month (`YYYY-MM`) of `orders.order_date` (aliased `o`) on each database.
fn month_sql(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "to_char(o.order_date, 'YYYY-MM')",
        DbBackend::MySql => "DATE_FORMAT(o.order_date, '%Y-%m')",
        _ => "strftime('%Y-%m', o.order_date)",
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_table(
            m,
            Table::create()
                .table(SalesMonthly::Table)
                .col(string(SalesMonthly::Month, 7).not_null())
                .col(ColumnDef::new(SalesMonthly::OwnerId).big_integer().not_null())
                .col(money(SalesMonthly::RevenueCents))
                .col(money(SalesMonthly::Orders))
                .primary_key(Index::create().col(SalesMonthly::Month).col(SalesMonthly::OwnerId))
                .to_owned(),
        )
        .await?;
        create_table(
            m,
            Table::create()
                .table(SalesMonthlyProducts::Table)
                .col(string(SalesMonthlyProducts::Month, 7).not_null())
                .col(ColumnDef::new(SalesMonthlyProducts::OwnerId).big_integer().not_null())
                .col(ColumnDef::new(SalesMonthlyProducts::ProductId).big_integer().not_null())
                .col(money(SalesMonthlyProducts::RevenueCents))
                .col(money(SalesMonthlyProducts::QuantityMilli))
                .col(money(SalesMonthlyProducts::Orders))
                .primary_key(
                    Index::create()
                        .col(SalesMonthlyProducts::Month)
                        .col(SalesMonthlyProducts::OwnerId)
                        .col(SalesMonthlyProducts::ProductId),
                )
                .to_owned(),
        )
        .await?;
        create_table(
            m,
            Table::create()
                .table(SalesMonthlyCities::Table)
                .col(string(SalesMonthlyCities::Month, 7).not_null())
                .col(ColumnDef::new(SalesMonthlyCities::OwnerId).big_integer().not_null())
                .col(string(SalesMonthlyCities::City, 100).not_null())
                .col(money(SalesMonthlyCities::RevenueCents))
                .col(money(SalesMonthlyCities::Orders))
                .primary_key(
                    Index::create()
                        .col(SalesMonthlyCities::Month)
                        .col(SalesMonthlyCities::OwnerId)
                        .col(SalesMonthlyCities::City),
                )
                .to_owned(),
        )
        .await?;
        let month = month_sql(m.get_database_backend());
        let db = m.get_connection();
        db.execute_unprepared(&format!(
            "INSERT INTO sales_monthly (month, owner_id, revenue_cents, orders) \
             SELECT {month}, COALESCE(o.owner_id, 0), SUM(o.total_cents), COUNT(*) FROM orders o \
             WHERE o.status <> 'cancelled' GROUP BY 1, 2"
        ))
        .await?;
        db.execute_unprepared(&format!(
            "INSERT INTO sales_monthly_products (month, owner_id, product_id, revenue_cents, quantity_milli, orders) \
             SELECT {month}, COALESCE(o.owner_id, 0), l.product_id, SUM(l.line_total_cents), SUM(l.quantity_milli), \
             COUNT(DISTINCT o.id) FROM order_lines l JOIN orders o ON o.id = l.order_id \
             WHERE o.status <> 'cancelled' AND l.product_id IS NOT NULL GROUP BY 1, 2, 3"
        ))
        .await?;
        db.execute_unprepared(&format!(
            "INSERT INTO sales_monthly_cities (month, owner_id, city, revenue_cents, orders) \
             SELECT {month}, COALESCE(o.owner_id, 0), COALESCE(c.city, ''), SUM(o.total_cents), COUNT(*) \
             FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.status <> 'cancelled' GROUP BY 1, 2, 3"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SalesMonthlyCities::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(SalesMonthlyProducts::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(SalesMonthly::Table).to_owned()).await
    }
}
