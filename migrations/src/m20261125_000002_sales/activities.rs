//! Activities, with their indexes.

use sea_orm_migration::prelude::*;

use super::leads::{Leads, Opportunities};
use super::{Customers, Users, fk};
use crate::util::{create_table, index, pk, string, timestamp};

#[derive(DeriveIden)]
pub(super) enum Activities {
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

/// Creates `activities`.
pub(super) async fn create(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    use ForeignKeyAction::{Cascade, Restrict};

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
