//! Sales: leads, opportunities, quotes and orders with their lines, activities,
//! and counters (round-robin cursor, document numbers).

mod activities;
mod counters;
mod leads;
mod orders;
mod quotes;

use sea_orm_migration::prelude::*;

use activities::Activities;
use counters::Counters;
use leads::{Leads, Opportunities};
use orders::{OrderLines, Orders};
use quotes::{QuoteLines, Quotes};

/// Named by hand: `DeriveMigrationName` takes the name from the file it is written in,
/// which is `mod.rs` since this migration became a directory. The name is the one
/// recorded in `seaql_migrations` and must never change.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000002_sales"
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
}

fn fk(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(on_delete).take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        counters::create(m).await?;
        leads::create(m).await?;
        quotes::create(m).await?;
        orders::create(m).await?;
        activities::create(m).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            Activities::Table.into_iden(),
            OrderLines::Table.into_iden(),
            Orders::Table.into_iden(),
            QuoteLines::Table.into_iden(),
            Quotes::Table.into_iden(),
            Opportunities::Table.into_iden(),
            Leads::Table.into_iden(),
            Counters::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
