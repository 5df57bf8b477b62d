//! The sales rollup by status: revenue and order count of the orders that are not
//! cancelled by month, owner and status, so that the forecast (which counts only paid,
//! shipped and completed orders, where the other rollups count pending ones too) sums a
//! few rows per month instead of every order. Kept in step with orders (creation,
//! status changes, cancelling) in the same transactions; backfilled here from the
//! orders a database already holds.
//!
//! `owner_id` 0 stands for "no owner", as in the other rollups (it is part of the
//! primary key, which cannot hold NULL).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::util::{create_table, string};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SalesMonthlyStatus {
    Table,
    Month,
    OwnerId,
    Status,
    RevenueCents,
    Orders,
}

/// The month (`YYYY-MM`) of `orders.order_date` (aliased `o`), as the other rollups
/// and the code that keeps them write it.
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
        use SalesMonthlyStatus as T;
        let big = |c: T| ColumnDef::new(c).big_integer().not_null().take();
        create_table(
            m,
            Table::create()
                .table(T::Table)
                .col(string(T::Month, 7).not_null())
                .col(big(T::OwnerId))
                .col(string(T::Status, 20).not_null())
                .col(big(T::RevenueCents))
                .col(big(T::Orders))
                .primary_key(Index::create().col(T::Month).col(T::OwnerId).col(T::Status))
                .take(),
        )
        .await?;
        let sql = format!(
            "INSERT INTO sales_monthly_status (month, owner_id, status, revenue_cents, orders) \
             SELECT {}, COALESCE(o.owner_id, 0), o.status, SUM(o.total_cents), COUNT(*) FROM orders o \
             WHERE o.status <> 'cancelled' GROUP BY 1, 2, 3",
            month_sql(m.get_database_backend())
        );
        m.get_connection().execute_unprepared(&sql).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SalesMonthlyStatus::Table).to_owned()).await
    }
}
