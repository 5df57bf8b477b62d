//! Sales rollups for the dashboard and the sales analysis: revenue and order count of
//! orders that are not cancelled by month and owner, and by month × owner × product
//! (with quantity; orders counted once per product) and month × owner × the customer's
//! city; the same by day (`sales_daily*`) for the partial months at a period's edges.
//! Kept in step with orders (and with a customer's city) in the same transactions;
//! backfilled here from the orders a database already holds.
//!
//! `owner_id` 0 stands for "no owner" and `city` '' for "no city" (both are part of
//! the primary key, which cannot hold NULL; ids start at 1 and cities are never empty).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::util::{create_table, string};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Col {
    Month,
    Day,
    OwnerId,
    ProductId,
    City,
    RevenueCents,
    QuantityMilli,
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

/// (table, daily, extra key: None / product / city)
const TABLES: [(&str, bool, Option<Col>); 6] = [
    ("sales_monthly", false, None),
    ("sales_monthly_products", false, Some(Col::ProductId)),
    ("sales_monthly_cities", false, Some(Col::City)),
    ("sales_daily", true, None),
    ("sales_daily_products", true, Some(Col::ProductId)),
    ("sales_daily_cities", true, Some(Col::City)),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let month = month_sql(m.get_database_backend());
        for (table, daily, extra) in TABLES {
            let mut t = Table::create();
            t.table(Alias::new(table));
            let mut pk = Index::create();
            if daily {
                t.col(ColumnDef::new(Col::Day).date().not_null());
                pk.col(Col::Day);
            } else {
                t.col(string(Col::Month, 7).not_null());
                pk.col(Col::Month);
            }
            t.col(ColumnDef::new(Col::OwnerId).big_integer().not_null());
            pk.col(Col::OwnerId);
            match extra {
                Some(Col::ProductId) => {
                    t.col(ColumnDef::new(Col::ProductId).big_integer().not_null());
                    pk.col(Col::ProductId);
                }
                Some(_) => {
                    t.col(string(Col::City, 100).not_null());
                    pk.col(Col::City);
                }
                None => {}
            }
            t.col(money(Col::RevenueCents));
            if matches!(extra, Some(Col::ProductId)) {
                t.col(money(Col::QuantityMilli));
            }
            t.col(money(Col::Orders)).primary_key(&mut pk);
            create_table(m, t).await?;
            let (period_col, period) = if daily { ("day", "o.order_date") } else { ("month", month) };
            let sql = match extra {
                None => format!(
                    "INSERT INTO {table} ({period_col}, owner_id, revenue_cents, orders) \
                     SELECT {period}, COALESCE(o.owner_id, 0), SUM(o.total_cents), COUNT(*) FROM orders o \
                     WHERE o.status <> 'cancelled' GROUP BY 1, 2"
                ),
                Some(Col::ProductId) => format!(
                    "INSERT INTO {table} ({period_col}, owner_id, product_id, revenue_cents, quantity_milli, orders) \
                     SELECT {period}, COALESCE(o.owner_id, 0), l.product_id, SUM(l.line_total_cents), \
                     SUM(l.quantity_milli), COUNT(DISTINCT o.id) FROM order_lines l JOIN orders o ON o.id = l.order_id \
                     WHERE o.status <> 'cancelled' AND l.product_id IS NOT NULL GROUP BY 1, 2, 3"
                ),
                Some(_) => format!(
                    "INSERT INTO {table} ({period_col}, owner_id, city, revenue_cents, orders) \
                     SELECT {period}, COALESCE(o.owner_id, 0), COALESCE(c.city, ''), SUM(o.total_cents), COUNT(*) \
                     FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.status <> 'cancelled' GROUP BY 1, 2, 3"
                ),
            };
            m.get_connection().execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, ..) in TABLES.iter().rev() {
            m.drop_table(Table::drop().table(Alias::new(*table)).to_owned()).await?;
        }
        Ok(())
    }
}
