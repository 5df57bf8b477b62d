//! Quotes and their lines, with their indexes.

use sea_orm_migration::prelude::*;

use super::leads::Opportunities;
use super::{Customers, Products, Users, fk};
use crate::util::{create_table, index, pk, string, timestamp};

#[derive(DeriveIden)]
pub(super) enum Quotes {
    Table,
    Id,
    Number,
    CustomerId,
    OpportunityId,
    OwnerId,
    Status,
    ValidUntil,
    Currency,
    TaxRateBp,
    SubtotalCents,
    DiscountCents,
    TaxCents,
    TotalCents,
    Notes,
    SentAt,
    DecidedAt,
    OrderId,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
    Version,
}

#[derive(DeriveIden)]
pub(super) enum QuoteLines {
    Table,
    Id,
    QuoteId,
    Position,
    ProductId,
    Description,
    QuantityMilli,
    UnitPriceCents,
    DiscountBp,
    LineTotalCents,
}

/// Creates `quotes` and `quote_lines`.
pub(super) async fn create(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    use ForeignKeyAction::{Cascade, Restrict, SetNull};

    create_table(
        m,
        Table::create()
            .table(Quotes::Table)
            .col(pk(Quotes::Id))
            .col(string(Quotes::Number, 30).not_null().unique_key())
            .col(ColumnDef::new(Quotes::CustomerId).big_integer().not_null())
            .col(ColumnDef::new(Quotes::OpportunityId).big_integer().null())
            .col(ColumnDef::new(Quotes::OwnerId).big_integer().null())
            .col(string(Quotes::Status, 20).not_null())
            .col(ColumnDef::new(Quotes::ValidUntil).date().not_null())
            .col(string(Quotes::Currency, 3).not_null())
            .col(ColumnDef::new(Quotes::TaxRateBp).integer().not_null())
            .col(ColumnDef::new(Quotes::SubtotalCents).big_integer().not_null())
            .col(ColumnDef::new(Quotes::DiscountCents).big_integer().not_null())
            .col(ColumnDef::new(Quotes::TaxCents).big_integer().not_null())
            .col(ColumnDef::new(Quotes::TotalCents).big_integer().not_null())
            .col(ColumnDef::new(Quotes::Notes).text().null())
            .col(timestamp(m, Quotes::SentAt).null())
            .col(timestamp(m, Quotes::DecidedAt).null())
            .col(ColumnDef::new(Quotes::OrderId).big_integer().null())
            .col(timestamp(m, Quotes::CreatedAt).not_null())
            .col(timestamp(m, Quotes::UpdatedAt).not_null())
            .col(timestamp(m, Quotes::DeletedAt).null())
            .col(ColumnDef::new(Quotes::Version).integer().not_null())
            .foreign_key(&mut fk((Quotes::Table, Quotes::CustomerId), (Customers::Table, Customers::Id), Restrict))
            .foreign_key(&mut fk(
                (Quotes::Table, Quotes::OpportunityId),
                (Opportunities::Table, Opportunities::Id),
                SetNull,
            ))
            .foreign_key(&mut fk((Quotes::Table, Quotes::OwnerId), (Users::Table, Users::Id), SetNull))
            .to_owned(),
    )
    .await?;
    for (name, cols) in [
        ("idx_quotes_customer", &["customer_id"][..]),
        ("idx_quotes_opportunity", &["opportunity_id"]),
        ("idx_quotes_status", &["status", "id"]),
        ("idx_quotes_created", &["created_at", "id"]),
    ] {
        m.create_index(index(Quotes::Table, name, cols)).await?;
    }

    create_table(
        m,
        Table::create()
            .table(QuoteLines::Table)
            .col(pk(QuoteLines::Id))
            .col(ColumnDef::new(QuoteLines::QuoteId).big_integer().not_null())
            .col(ColumnDef::new(QuoteLines::Position).integer().not_null())
            .col(ColumnDef::new(QuoteLines::ProductId).big_integer().null())
            .col(string(QuoteLines::Description, 500).not_null())
            .col(ColumnDef::new(QuoteLines::QuantityMilli).big_integer().not_null())
            .col(ColumnDef::new(QuoteLines::UnitPriceCents).big_integer().not_null())
            .col(ColumnDef::new(QuoteLines::DiscountBp).integer().not_null())
            .col(ColumnDef::new(QuoteLines::LineTotalCents).big_integer().not_null())
            .foreign_key(&mut fk((QuoteLines::Table, QuoteLines::QuoteId), (Quotes::Table, Quotes::Id), Cascade))
            .foreign_key(&mut fk((QuoteLines::Table, QuoteLines::ProductId), (Products::Table, Products::Id), SetNull))
            .to_owned(),
    )
    .await?;
    m.create_index(index(QuoteLines::Table, "idx_quote_lines_quote", &["quote_id", "position"])).await?;
    Ok(())
}
