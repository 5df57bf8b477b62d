//! Per-customer order aggregates (first and last order date, count, sum of totals of
//! orders that are not cancelled), kept in step with orders in the same transaction,
//! so that RFM never has to group ten million orders on a request.

use sea_orm_migration::prelude::*;

use crate::util::create_table;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CustomerOrderStats {
    Table,
    CustomerId,
    FirstOrderDate,
    LastOrderDate,
    OrderCount,
    TotalCents,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_table(
            m,
            Table::create()
                .table(CustomerOrderStats::Table)
                .col(ColumnDef::new(CustomerOrderStats::CustomerId).big_integer().not_null().primary_key())
                .col(ColumnDef::new(CustomerOrderStats::FirstOrderDate).date().not_null())
                .col(ColumnDef::new(CustomerOrderStats::LastOrderDate).date().not_null())
                .col(ColumnDef::new(CustomerOrderStats::OrderCount).big_integer().not_null())
                .col(ColumnDef::new(CustomerOrderStats::TotalCents).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(CustomerOrderStats::Table, CustomerOrderStats::CustomerId)
                        .to(Customers::Table, Customers::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // Databases that already hold orders start with correct aggregates.
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO customer_order_stats (customer_id, first_order_date, last_order_date, order_count, total_cents) \
                 SELECT customer_id, MIN(order_date), MAX(order_date), COUNT(*), SUM(total_cents) FROM orders \
                 WHERE status <> 'cancelled' GROUP BY customer_id",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CustomerOrderStats::Table).to_owned()).await
    }
}
