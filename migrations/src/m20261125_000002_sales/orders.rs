//! Orders and their lines, with their indexes.

use sea_orm_migration::prelude::*;

use super::quotes::Quotes;
use super::{Customers, Products, Users, fk};
use crate::util::{create_table, index, pk, string, timestamp};

#[derive(DeriveIden)]
pub(super) enum Orders {
    Table,
    Id,
    Number,
    CustomerId,
    QuoteId,
    OwnerId,
    OrderDate,
    Status,
    Currency,
    TaxRateBp,
    TaxCents,
    TotalCents,
    Notes,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
pub(super) enum OrderLines {
    Table,
    Id,
    OrderId,
    Position,
    ProductId,
    Description,
    QuantityMilli,
    UnitPriceCents,
    DiscountBp,
    LineTotalCents,
}

/// Creates `orders` and `order_lines`.
pub(super) async fn create(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    use ForeignKeyAction::{Cascade, Restrict, SetNull};

    create_table(
        m,
        Table::create()
            .table(Orders::Table)
            .col(pk(Orders::Id))
            .col(string(Orders::Number, 30).not_null().unique_key())
            .col(ColumnDef::new(Orders::CustomerId).big_integer().not_null())
            .col(ColumnDef::new(Orders::QuoteId).big_integer().null())
            .col(ColumnDef::new(Orders::OwnerId).big_integer().null())
            .col(ColumnDef::new(Orders::OrderDate).date().not_null())
            .col(string(Orders::Status, 20).not_null())
            .col(string(Orders::Currency, 3).not_null())
            .col(ColumnDef::new(Orders::TaxRateBp).integer().not_null())
            .col(ColumnDef::new(Orders::TaxCents).big_integer().not_null())
            .col(ColumnDef::new(Orders::TotalCents).big_integer().not_null())
            .col(ColumnDef::new(Orders::Notes).text().null())
            .col(timestamp(m, Orders::CreatedAt).not_null())
            .col(timestamp(m, Orders::UpdatedAt).not_null())
            .col(ColumnDef::new(Orders::Version).integer().not_null())
            .foreign_key(&mut fk((Orders::Table, Orders::CustomerId), (Customers::Table, Customers::Id), Restrict))
            .foreign_key(&mut fk((Orders::Table, Orders::QuoteId), (Quotes::Table, Quotes::Id), SetNull))
            .foreign_key(&mut fk((Orders::Table, Orders::OwnerId), (Users::Table, Users::Id), SetNull))
            .to_owned(),
    )
    .await?;
    for (name, cols) in [
        ("idx_orders_customer_date", &["customer_id", "order_date"][..]),
        ("idx_orders_date", &["order_date", "id"]),
        ("idx_orders_status", &["status", "id"]),
        ("idx_orders_total", &["total_cents"]),
        ("idx_orders_created", &["created_at", "id"]),
        ("idx_orders_quote", &["quote_id"]),
    ] {
        m.create_index(index(Orders::Table, name, cols)).await?;
    }

    create_table(
        m,
        Table::create()
            .table(OrderLines::Table)
            .col(pk(OrderLines::Id))
            .col(ColumnDef::new(OrderLines::OrderId).big_integer().not_null())
            .col(ColumnDef::new(OrderLines::Position).integer().not_null())
            .col(ColumnDef::new(OrderLines::ProductId).big_integer().null())
            .col(string(OrderLines::Description, 500).not_null())
            .col(ColumnDef::new(OrderLines::QuantityMilli).big_integer().not_null())
            .col(ColumnDef::new(OrderLines::UnitPriceCents).big_integer().not_null())
            .col(ColumnDef::new(OrderLines::DiscountBp).integer().not_null())
            .col(ColumnDef::new(OrderLines::LineTotalCents).big_integer().not_null())
            .foreign_key(&mut fk((OrderLines::Table, OrderLines::OrderId), (Orders::Table, Orders::Id), Cascade))
            .foreign_key(&mut fk((OrderLines::Table, OrderLines::ProductId), (Products::Table, Products::Id), SetNull))
            .to_owned(),
    )
    .await?;
    m.create_index(index(OrderLines::Table, "idx_order_lines_order", &["order_id", "position"])).await?;
    m.create_index(index(OrderLines::Table, "idx_order_lines_product", &["product_id"])).await?;
    Ok(())
}
