//! The counters: the round-robin cursor and document numbers.

use sea_orm_migration::prelude::*;

use crate::util::{create_table, string};

#[derive(DeriveIden)]
pub(super) enum Counters {
    Table,
    Name,
    Value,
}

/// Creates `counters`.
pub(super) async fn create(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    create_table(
        m,
        Table::create()
            .table(Counters::Table)
            .col(string(Counters::Name, 100).not_null().primary_key())
            .col(ColumnDef::new(Counters::Value).big_integer().not_null())
            .to_owned(),
    )
    .await?;
    Ok(())
}
