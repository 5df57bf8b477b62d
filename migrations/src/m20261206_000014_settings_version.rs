//! Settings get a version, so that two admins editing the same settings cannot overwrite
//! each other unseen: `GET` answers it as an ETag and `PUT` takes `If-Match`.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Settings {
    Table,
    Version,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Settings::Table)
                .add_column(ColumnDef::new(Settings::Version).integer().not_null().default(1))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Settings::Table).drop_column(Settings::Version).take()).await
    }
}
