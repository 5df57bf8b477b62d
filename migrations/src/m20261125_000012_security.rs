//! Security and reliability state: idempotency keys (a POST's first response, kept
//! 24 hours and replayed for a retry with the same key) and the login lock of each
//! user (consecutive failed sign-ins and the time the lock ends).

use sea_orm_migration::prelude::*;

use crate::util::{create_table, index, pk, string, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    FailedLogins,
    LockedUntil,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Id,
    Principal,
    Key,
    Fingerprint,
    Status,
    ResponseStatus,
    ResponseHeaders,
    ResponseBody,
    CreatedAt,
    CompletedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(ColumnDef::new(Users::FailedLogins).integer().not_null().default(0))
                .take(),
        )
        .await?;
        m.alter_table(Table::alter().table(Users::Table).add_column(timestamp(m, Users::LockedUntil).null()).take())
            .await?;
        create_table(
            m,
            Table::create()
                .table(IdempotencyKeys::Table)
                .col(pk(IdempotencyKeys::Id))
                .col(string(IdempotencyKeys::Principal, 64).not_null())
                .col(string(IdempotencyKeys::Key, 255).not_null())
                .col(string(IdempotencyKeys::Fingerprint, 64).not_null())
                .col(string(IdempotencyKeys::Status, 16).not_null())
                .col(ColumnDef::new(IdempotencyKeys::ResponseStatus).integer().null())
                .col(ColumnDef::new(IdempotencyKeys::ResponseHeaders).text().null())
                .col(ColumnDef::new(IdempotencyKeys::ResponseBody).text().null())
                .col(timestamp(m, IdempotencyKeys::CreatedAt).not_null())
                .col(timestamp(m, IdempotencyKeys::CompletedAt).null())
                .to_owned(),
        )
        .await?;
        // The claim: one row per caller and key, whoever inserts first owns it.
        m.create_index(
            index(IdempotencyKeys::Table, "idx_idempotency_principal_key", &["principal", "key"]).unique().take(),
        )
        .await?;
        m.create_index(index(IdempotencyKeys::Table, "idx_idempotency_created", &["created_at"])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IdempotencyKeys::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Users::Table).drop_column(Users::LockedUntil).take()).await?;
        m.alter_table(Table::alter().table(Users::Table).drop_column(Users::FailedLogins).take()).await
    }
}
