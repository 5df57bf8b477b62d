//! Leads and opportunities, with their indexes.

use sea_orm_migration::prelude::*;

use super::{Customers, Users, fk};
use crate::util::{create_table, index, pk, string, timestamp};

#[derive(DeriveIden)]
pub(super) enum Leads {
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
pub(super) enum Opportunities {
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

/// Creates `leads` and `opportunities`.
pub(super) async fn create(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    use ForeignKeyAction::{Restrict, SetNull};

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
            .foreign_key(&mut fk((Opportunities::Table, Opportunities::OwnerId), (Users::Table, Users::Id), SetNull))
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
    Ok(())
}
