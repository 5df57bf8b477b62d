//! Auth hardening: each user's token version (raised when the password, role or active
//! flag changes, so that access tokens issued before stop working) and read-only API keys.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    TokenVersion,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    ReadOnly,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(ColumnDef::new(Users::TokenVersion).integer().not_null().default(0))
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(ApiKeys::Table)
                .add_column(ColumnDef::new(ApiKeys::ReadOnly).boolean().not_null().default(false))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(ApiKeys::Table).drop_column(ApiKeys::ReadOnly).take()).await?;
        m.alter_table(Table::alter().table(Users::Table).drop_column(Users::TokenVersion).take()).await
    }
}
