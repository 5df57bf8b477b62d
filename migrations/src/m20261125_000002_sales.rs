//! Sales: leads, opportunities, quotes and orders with their lines, activities,
//! and counters (round-robin cursor, document numbers).

use sea_orm_migration::prelude::*;

use crate::util::{create_table, index, pk, string, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

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

#[derive(DeriveIden)]
enum Counters {
    Table,
    Name,
    Value,
}

#[derive(DeriveIden)]
enum Leads {
    Table,
    Id,
    Name,
    NameLower,
    Company,
    Email,
    Phone,
    Source,
    Status,
    OwnerId,
    Notes,
    CustomerId,
    OpportunityId,
    ConvertedAt,
    LastActivityAt,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
    Version,
}

#[derive(DeriveIden)]
enum Opportunities {
    Table,
    Id,
    Title,
    CustomerId,
    LeadId,
    AmountCents,
    Stage,
    Probability,
    ExpectedCloseDate,
    OwnerId,
    LostReason,
    ClosedAt,
    LastActivityAt,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
    Version,
}

#[derive(DeriveIden)]
enum Quotes {
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
enum QuoteLines {
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

#[derive(DeriveIden)]
enum Orders {
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
enum OrderLines {
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

#[derive(DeriveIden)]
enum Activities {
    Table,
    Id,
    Kind,
    Subject,
    Body,
    DueAt,
    DoneAt,
    OwnerId,
    CustomerId,
    LeadId,
    OpportunityId,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
    Version,
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
        use ForeignKeyAction::{Cascade, Restrict, SetNull};

        create_table(
            m,
            Table::create()
                .table(Counters::Table)
                .col(string(Counters::Name, 100).not_null().primary_key())
                .col(ColumnDef::new(Counters::Value).big_integer().not_null())
                .to_owned(),
        )
        .await?;

        create_table(
            m,
            Table::create()
                .table(Leads::Table)
                .col(pk(Leads::Id))
                .col(string(Leads::Name, 200).not_null())
                .col(string(Leads::NameLower, 200).not_null())
                .col(string(Leads::Company, 200).null())
                .col(string(Leads::Email, 254).null())
                .col(string(Leads::Phone, 40).null())
                .col(string(Leads::Source, 20).not_null())
                .col(string(Leads::Status, 20).not_null())
                .col(ColumnDef::new(Leads::OwnerId).big_integer().null())
                .col(ColumnDef::new(Leads::Notes).text().null())
                .col(ColumnDef::new(Leads::CustomerId).big_integer().null())
                .col(ColumnDef::new(Leads::OpportunityId).big_integer().null())
                .col(timestamp(m, Leads::ConvertedAt).null())
                .col(timestamp(m, Leads::LastActivityAt).not_null())
                .col(timestamp(m, Leads::CreatedAt).not_null())
                .col(timestamp(m, Leads::UpdatedAt).not_null())
                .col(timestamp(m, Leads::DeletedAt).null())
                .col(ColumnDef::new(Leads::Version).integer().not_null())
                .foreign_key(&mut fk((Leads::Table, Leads::OwnerId), (Users::Table, Users::Id), SetNull))
                .foreign_key(&mut fk((Leads::Table, Leads::CustomerId), (Customers::Table, Customers::Id), SetNull))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("idx_leads_status", &["status", "id"][..]),
            ("idx_leads_owner_status", &["owner_id", "status"]),
            ("idx_leads_source", &["source"]),
            ("idx_leads_created", &["created_at", "id"]),
            ("idx_leads_name", &["name_lower", "id"]),
            ("idx_leads_email", &["email"]),
            ("idx_leads_last_activity", &["last_activity_at"]),
        ] {
            m.create_index(index(Leads::Table, name, cols)).await?;
        }

        create_table(
            m,
            Table::create()
                .table(Opportunities::Table)
                .col(pk(Opportunities::Id))
                .col(string(Opportunities::Title, 200).not_null())
                .col(ColumnDef::new(Opportunities::CustomerId).big_integer().not_null())
                .col(ColumnDef::new(Opportunities::LeadId).big_integer().null())
                .col(ColumnDef::new(Opportunities::AmountCents).big_integer().not_null())
                .col(string(Opportunities::Stage, 20).not_null())
                .col(ColumnDef::new(Opportunities::Probability).small_integer().not_null())
                .col(ColumnDef::new(Opportunities::ExpectedCloseDate).date().null())
                .col(ColumnDef::new(Opportunities::OwnerId).big_integer().null())
                .col(ColumnDef::new(Opportunities::LostReason).text().null())
                .col(timestamp(m, Opportunities::ClosedAt).null())
                .col(timestamp(m, Opportunities::LastActivityAt).not_null())
                .col(timestamp(m, Opportunities::CreatedAt).not_null())
                .col(timestamp(m, Opportunities::UpdatedAt).not_null())
                .col(timestamp(m, Opportunities::DeletedAt).null())
                .col(ColumnDef::new(Opportunities::Version).integer().not_null())
                .foreign_key(&mut fk(
                    (Opportunities::Table, Opportunities::CustomerId),
                    (Customers::Table, Customers::Id),
                    Restrict,
                ))
                .foreign_key(&mut fk((Opportunities::Table, Opportunities::LeadId), (Leads::Table, Leads::Id), SetNull))
                .foreign_key(&mut fk(
                    (Opportunities::Table, Opportunities::OwnerId),
                    (Users::Table, Users::Id),
                    SetNull,
                ))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("idx_opps_stage", &["stage", "id"][..]),
            ("idx_opps_owner", &["owner_id", "stage"]),
            ("idx_opps_customer", &["customer_id"]),
            ("idx_opps_close", &["expected_close_date"]),
            ("idx_opps_created", &["created_at", "id"]),
            ("idx_opps_amount", &["amount_cents"]),
            ("idx_opps_last_activity", &["last_activity_at"]),
        ] {
            m.create_index(index(Opportunities::Table, name, cols)).await?;
        }

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
                .foreign_key(&mut fk(
                    (QuoteLines::Table, QuoteLines::ProductId),
                    (Products::Table, Products::Id),
                    SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(QuoteLines::Table, "idx_quote_lines_quote", &["quote_id", "position"])).await?;

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
                .foreign_key(&mut fk(
                    (OrderLines::Table, OrderLines::ProductId),
                    (Products::Table, Products::Id),
                    SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(OrderLines::Table, "idx_order_lines_order", &["order_id", "position"])).await?;
        m.create_index(index(OrderLines::Table, "idx_order_lines_product", &["product_id"])).await?;

        create_table(
            m,
            Table::create()
                .table(Activities::Table)
                .col(pk(Activities::Id))
                .col(string(Activities::Kind, 20).not_null())
                .col(string(Activities::Subject, 200).not_null())
                .col(ColumnDef::new(Activities::Body).text().null())
                .col(timestamp(m, Activities::DueAt).null())
                .col(timestamp(m, Activities::DoneAt).null())
                .col(ColumnDef::new(Activities::OwnerId).big_integer().not_null())
                .col(ColumnDef::new(Activities::CustomerId).big_integer().null())
                .col(ColumnDef::new(Activities::LeadId).big_integer().null())
                .col(ColumnDef::new(Activities::OpportunityId).big_integer().null())
                .col(timestamp(m, Activities::CreatedAt).not_null())
                .col(timestamp(m, Activities::UpdatedAt).not_null())
                .col(timestamp(m, Activities::DeletedAt).null())
                .col(ColumnDef::new(Activities::Version).integer().not_null())
                .foreign_key(&mut fk((Activities::Table, Activities::OwnerId), (Users::Table, Users::Id), Restrict))
                .foreign_key(&mut fk(
                    (Activities::Table, Activities::CustomerId),
                    (Customers::Table, Customers::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk((Activities::Table, Activities::LeadId), (Leads::Table, Leads::Id), Cascade))
                .foreign_key(&mut fk(
                    (Activities::Table, Activities::OpportunityId),
                    (Opportunities::Table, Opportunities::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("idx_activities_owner_due", &["owner_id", "done_at", "due_at"][..]),
            ("idx_activities_customer", &["customer_id", "created_at"]),
            ("idx_activities_lead", &["lead_id"]),
            ("idx_activities_opportunity", &["opportunity_id"]),
            ("idx_activities_due", &["due_at"]),
        ] {
            m.create_index(index(Activities::Table, name, cols)).await?;
        }
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
