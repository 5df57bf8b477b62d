//! Persisted RFM scores at the stored `as_of` (today when last refreshed): one row per
//! scored customer, so that the customer list and marketing segments filter by segment
//! or score with a subquery instead of scoring everyone on each request. The refresh
//! state (as_of, orders version) lives in `counters` (`rfm:as_of`, `rfm:orders_version`).

use sea_orm_migration::prelude::*;

use crate::util::{create_table, index, string};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CustomerRfm {
    Table,
    CustomerId,
    FirstOrderDate,
    RecencyDays,
    Frequency,
    MonetaryCents,
    R,
    F,
    M,
    Segment,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_table(
            m,
            Table::create()
                .table(CustomerRfm::Table)
                .col(ColumnDef::new(CustomerRfm::CustomerId).big_integer().not_null().primary_key())
                .col(ColumnDef::new(CustomerRfm::FirstOrderDate).date().not_null())
                .col(ColumnDef::new(CustomerRfm::RecencyDays).big_integer().not_null())
                .col(ColumnDef::new(CustomerRfm::Frequency).big_integer().not_null())
                .col(ColumnDef::new(CustomerRfm::MonetaryCents).big_integer().not_null())
                .col(ColumnDef::new(CustomerRfm::R).small_integer().not_null())
                .col(ColumnDef::new(CustomerRfm::F).small_integer().not_null())
                .col(ColumnDef::new(CustomerRfm::M).small_integer().not_null())
                .col(string(CustomerRfm::Segment, 32).not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(CustomerRfm::Table, CustomerRfm::CustomerId)
                        .to(Customers::Table, Customers::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // The table starts empty: the first read finds it stale and fills it.
        m.create_index(index(CustomerRfm::Table, "idx_customer_rfm_segment", &["segment", "customer_id"])).await?;
        m.create_index(index(CustomerRfm::Table, "idx_customer_rfm_scores", &["r", "f", "m"])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CustomerRfm::Table).to_owned()).await
    }
}
