//! Service: requests with SLA and satisfaction, and their progress updates.

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
enum Orders {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ServiceRequests {
    Table,
    Id,
    CustomerId,
    OrderId,
    Subject,
    Description,
    Channel,
    Priority,
    RequestDate,
    Status,
    AssigneeId,
    AssignedAt,
    DueAt,
    FirstResponseAt,
    ResolvedAt,
    ClosedAt,
    Rating,
    RatingComment,
    RatedAt,
    RatingNonce,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum ServiceUpdates {
    Table,
    Id,
    RequestId,
    Kind,
    Body,
    Visibility,
    FromStatus,
    ToStatus,
    AuthorId,
    Author,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict, SetNull};
        let fk = |from: (ServiceRequests, ServiceRequests), to_table: DynIden, on_delete: ForeignKeyAction| {
            ForeignKey::create().from(from.0, from.1).to(to_table, Alias::new("id")).on_delete(on_delete).take()
        };
        create_table(
            m,
            Table::create()
                .table(ServiceRequests::Table)
                .col(pk(ServiceRequests::Id))
                .col(ColumnDef::new(ServiceRequests::CustomerId).big_integer().not_null())
                .col(ColumnDef::new(ServiceRequests::OrderId).big_integer().null())
                .col(string(ServiceRequests::Subject, 200).not_null())
                .col(ColumnDef::new(ServiceRequests::Description).text().null())
                .col(string(ServiceRequests::Channel, 10).not_null())
                .col(string(ServiceRequests::Priority, 10).not_null())
                .col(timestamp(m, ServiceRequests::RequestDate).not_null())
                .col(string(ServiceRequests::Status, 20).not_null())
                .col(ColumnDef::new(ServiceRequests::AssigneeId).big_integer().null())
                .col(timestamp(m, ServiceRequests::AssignedAt).null())
                .col(timestamp(m, ServiceRequests::DueAt).not_null())
                .col(timestamp(m, ServiceRequests::FirstResponseAt).null())
                .col(timestamp(m, ServiceRequests::ResolvedAt).null())
                .col(timestamp(m, ServiceRequests::ClosedAt).null())
                .col(ColumnDef::new(ServiceRequests::Rating).small_integer().null())
                .col(ColumnDef::new(ServiceRequests::RatingComment).text().null())
                .col(timestamp(m, ServiceRequests::RatedAt).null())
                .col(string(ServiceRequests::RatingNonce, 32).null())
                .col(timestamp(m, ServiceRequests::CreatedAt).not_null())
                .col(timestamp(m, ServiceRequests::UpdatedAt).not_null())
                .col(ColumnDef::new(ServiceRequests::Version).integer().not_null())
                .foreign_key(&mut fk(
                    (ServiceRequests::Table, ServiceRequests::CustomerId),
                    Customers::Table.into_iden(),
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    (ServiceRequests::Table, ServiceRequests::OrderId),
                    Orders::Table.into_iden(),
                    SetNull,
                ))
                .foreign_key(&mut fk(
                    (ServiceRequests::Table, ServiceRequests::AssigneeId),
                    Users::Table.into_iden(),
                    SetNull,
                ))
                .to_owned(),
        )
        .await?;
        let _ = (Users::Id, Customers::Id, Orders::Id);
        for (name, cols) in [
            ("idx_sr_customer", &["customer_id", "request_date"][..]),
            ("idx_sr_assignee_status", &["assignee_id", "status"]),
            ("idx_sr_status_due", &["status", "due_at"]),
            ("idx_sr_request_date", &["request_date", "id"]),
            ("idx_sr_created", &["created_at", "id"]),
            ("idx_sr_priority", &["priority"]),
        ] {
            m.create_index(index(ServiceRequests::Table, name, cols)).await?;
        }

        create_table(
            m,
            Table::create()
                .table(ServiceUpdates::Table)
                .col(pk(ServiceUpdates::Id))
                .col(ColumnDef::new(ServiceUpdates::RequestId).big_integer().not_null())
                .col(string(ServiceUpdates::Kind, 20).not_null())
                .col(ColumnDef::new(ServiceUpdates::Body).text().null())
                .col(string(ServiceUpdates::Visibility, 10).not_null())
                .col(string(ServiceUpdates::FromStatus, 20).null())
                .col(string(ServiceUpdates::ToStatus, 20).null())
                .col(ColumnDef::new(ServiceUpdates::AuthorId).big_integer().null())
                .col(string(ServiceUpdates::Author, 100).not_null())
                .col(timestamp(m, ServiceUpdates::At).not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(ServiceUpdates::Table, ServiceUpdates::RequestId)
                        .to(ServiceRequests::Table, ServiceRequests::Id)
                        .on_delete(Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(ServiceUpdates::Table, "idx_su_request", &["request_id", "id"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ServiceUpdates::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ServiceRequests::Table).to_owned()).await
    }
}
