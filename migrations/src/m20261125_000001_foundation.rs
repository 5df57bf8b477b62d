//! Users, sessions, API keys, settings, customers with tags, products and the audit log.

use sea_orm_migration::prelude::*;

use crate::util::{create_table, index, pk, string, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    Name,
    Role,
    PasswordHash,
    Active,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    UserId,
    Family,
    TokenHash,
    ExpiresAt,
    CreatedAt,
    UsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    Name,
    Prefix,
    KeyHash,
    Role,
    CreatedBy,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Settings {
    Table,
    Key,
    Value,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
    Name,
    NameLower,
    Email,
    EmailKey,
    Phone,
    Address,
    Birthday,
    BirthdayMonth,
    Company,
    City,
    OwnerId,
    Source,
    Notes,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
    Version,
}

#[derive(DeriveIden)]
enum CustomerTags {
    Table,
    CustomerId,
    Tag,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
    Sku,
    SkuKey,
    Name,
    Description,
    PriceCents,
    Active,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
    Version,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorId,
    Actor,
    Entity,
    EntityId,
    Action,
    Before,
    After,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_table(
            m,
            Table::create()
                .table(Users::Table)
                .col(pk(Users::Id))
                .col(string(Users::Email, 254).not_null().unique_key())
                .col(string(Users::Name, 200).not_null())
                .col(string(Users::Role, 20).not_null())
                .col(string(Users::PasswordHash, 255).not_null())
                .col(ColumnDef::new(Users::Active).boolean().not_null())
                .col(timestamp(m, Users::CreatedAt).not_null())
                .col(timestamp(m, Users::UpdatedAt).not_null())
                .col(ColumnDef::new(Users::Version).integer().not_null())
                .to_owned(),
        )
        .await?;

        create_table(
            m,
            Table::create()
                .table(RefreshTokens::Table)
                .col(pk(RefreshTokens::Id))
                .col(ColumnDef::new(RefreshTokens::UserId).big_integer().not_null())
                .col(string(RefreshTokens::Family, 36).not_null())
                .col(string(RefreshTokens::TokenHash, 64).not_null().unique_key())
                .col(timestamp(m, RefreshTokens::ExpiresAt).not_null())
                .col(timestamp(m, RefreshTokens::CreatedAt).not_null())
                .col(timestamp(m, RefreshTokens::UsedAt).null())
                .col(timestamp(m, RefreshTokens::RevokedAt).null())
                .foreign_key(
                    ForeignKey::create()
                        .from(RefreshTokens::Table, RefreshTokens::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(RefreshTokens::Table, "idx_refresh_tokens_family", &["family"])).await?;
        m.create_index(index(RefreshTokens::Table, "idx_refresh_tokens_user", &["user_id"])).await?;

        create_table(
            m,
            Table::create()
                .table(ApiKeys::Table)
                .col(pk(ApiKeys::Id))
                .col(string(ApiKeys::Name, 100).not_null())
                .col(string(ApiKeys::Prefix, 16).not_null())
                .col(string(ApiKeys::KeyHash, 64).not_null().unique_key())
                .col(string(ApiKeys::Role, 20).not_null())
                .col(ColumnDef::new(ApiKeys::CreatedBy).big_integer().null())
                .col(timestamp(m, ApiKeys::CreatedAt).not_null())
                .col(timestamp(m, ApiKeys::LastUsedAt).null())
                .col(timestamp(m, ApiKeys::RevokedAt).null())
                .foreign_key(
                    ForeignKey::create()
                        .from(ApiKeys::Table, ApiKeys::CreatedBy)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;

        create_table(
            m,
            Table::create()
                .table(Settings::Table)
                .col(string(Settings::Key, 100).not_null().primary_key())
                .col(ColumnDef::new(Settings::Value).text().not_null())
                .col(timestamp(m, Settings::UpdatedAt).not_null())
                .to_owned(),
        )
        .await?;

        create_table(
            m,
            Table::create()
                .table(Customers::Table)
                .col(pk(Customers::Id))
                .col(string(Customers::Name, 200).not_null())
                // Lower-cased copies let `q` search case-insensitively with one
                // portable `LIKE` on every database.
                .col(string(Customers::NameLower, 200).not_null())
                .col(string(Customers::Email, 254).null())
                // The lower-cased email while the customer is live, NULL once
                // deleted: a plain unique index then means "unique among live
                // customers" on all three databases (no partial indexes needed).
                .col(string(Customers::EmailKey, 254).null().unique_key())
                .col(string(Customers::Phone, 40).null())
                .col(string(Customers::Address, 500).null())
                .col(ColumnDef::new(Customers::Birthday).date().null())
                .col(ColumnDef::new(Customers::BirthdayMonth).small_integer().null())
                .col(string(Customers::Company, 200).null())
                .col(string(Customers::City, 100).null())
                .col(ColumnDef::new(Customers::OwnerId).big_integer().null())
                .col(string(Customers::Source, 50).null())
                .col(ColumnDef::new(Customers::Notes).text().null())
                .col(timestamp(m, Customers::CreatedAt).not_null())
                .col(timestamp(m, Customers::UpdatedAt).not_null())
                .col(timestamp(m, Customers::DeletedAt).null())
                .col(ColumnDef::new(Customers::Version).integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(Customers::Table, Customers::OwnerId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("idx_customers_name", &["name_lower", "id"][..]),
            ("idx_customers_phone", &["phone"]),
            ("idx_customers_city", &["city"]),
            ("idx_customers_owner", &["owner_id"]),
            ("idx_customers_created", &["created_at", "id"]),
            ("idx_customers_updated", &["updated_at", "id"]),
            ("idx_customers_birthday_month", &["birthday_month"]),
            ("idx_customers_deleted", &["deleted_at"]),
        ] {
            m.create_index(index(Customers::Table, name, cols)).await?;
        }

        create_table(
            m,
            Table::create()
                .table(CustomerTags::Table)
                .col(ColumnDef::new(CustomerTags::CustomerId).big_integer().not_null())
                .col(string(CustomerTags::Tag, 50).not_null())
                .primary_key(Index::create().col(CustomerTags::CustomerId).col(CustomerTags::Tag))
                .foreign_key(
                    ForeignKey::create()
                        .from(CustomerTags::Table, CustomerTags::CustomerId)
                        .to(Customers::Table, Customers::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(CustomerTags::Table, "idx_customer_tags_tag", &["tag", "customer_id"])).await?;

        create_table(
            m,
            Table::create()
                .table(Products::Table)
                .col(pk(Products::Id))
                .col(string(Products::Sku, 64).not_null())
                .col(string(Products::SkuKey, 64).null().unique_key())
                .col(string(Products::Name, 200).not_null())
                .col(ColumnDef::new(Products::Description).text().null())
                .col(ColumnDef::new(Products::PriceCents).big_integer().not_null())
                .col(ColumnDef::new(Products::Active).boolean().not_null())
                .col(timestamp(m, Products::CreatedAt).not_null())
                .col(timestamp(m, Products::UpdatedAt).not_null())
                .col(timestamp(m, Products::DeletedAt).null())
                .col(ColumnDef::new(Products::Version).integer().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(Products::Table, "idx_products_name", &["name"])).await?;
        m.create_index(index(Products::Table, "idx_products_created", &["created_at", "id"])).await?;

        create_table(
            m,
            Table::create()
                .table(AuditLog::Table)
                .col(pk(AuditLog::Id))
                .col(timestamp(m, AuditLog::At).not_null())
                .col(ColumnDef::new(AuditLog::ActorId).big_integer().null())
                .col(string(AuditLog::Actor, 100).not_null())
                .col(string(AuditLog::Entity, 50).not_null())
                .col(ColumnDef::new(AuditLog::EntityId).big_integer().not_null())
                .col(string(AuditLog::Action, 20).not_null())
                // JSON as text: one representation that all three drivers read back alike.
                .col(ColumnDef::new(AuditLog::Before).text().null())
                .col(ColumnDef::new(AuditLog::After).text().null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(AuditLog::Table, "idx_audit_entity", &["entity", "entity_id", "id"])).await?;
        m.create_index(index(AuditLog::Table, "idx_audit_actor", &["actor_id"])).await?;
        m.create_index(index(AuditLog::Table, "idx_audit_at", &["at"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            AuditLog::Table.into_iden(),
            Products::Table.into_iden(),
            CustomerTags::Table.into_iden(),
            Customers::Table.into_iden(),
            Settings::Table.into_iden(),
            ApiKeys::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
