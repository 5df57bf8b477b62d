//! Webhooks for integrations: subscriptions (a URL, the events it wants, the signing
//! secret) and the delivery outbox — one row per event and subscription, written in the
//! transaction of the change that caused it and worked off by the webhook worker.

use sea_orm_migration::prelude::*;

use crate::util::{create_table, index, pk, string, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Id,
    Url,
    Events,
    Secret,
    Active,
    Description,
    DisabledReason,
    FailureStreak,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    WebhookId,
    EventId,
    EventType,
    Payload,
    Status,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    ClaimedBy,
    ResponseCode,
    LastError,
    RedeliveryOf,
    CreatedAt,
    LastAttemptAt,
    DeliveredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_table(
            m,
            Table::create()
                .table(Webhooks::Table)
                .col(pk(Webhooks::Id))
                .col(string(Webhooks::Url, 2000).not_null())
                .col(ColumnDef::new(Webhooks::Events).text().not_null())
                .col(string(Webhooks::Secret, 100).not_null())
                .col(ColumnDef::new(Webhooks::Active).boolean().not_null())
                .col(string(Webhooks::Description, 500).null())
                .col(string(Webhooks::DisabledReason, 1000).null())
                .col(ColumnDef::new(Webhooks::FailureStreak).integer().not_null())
                .col(ColumnDef::new(Webhooks::CreatedBy).big_integer().null())
                .col(timestamp(m, Webhooks::CreatedAt).not_null())
                .col(timestamp(m, Webhooks::UpdatedAt).not_null())
                .col(ColumnDef::new(Webhooks::Version).integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(Webhooks::Table, Webhooks::CreatedBy)
                        .to(Alias::new("users"), Alias::new("id"))
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(Webhooks::Table, "idx_webhooks_active", &["active"])).await?;

        create_table(
            m,
            Table::create()
                .table(WebhookDeliveries::Table)
                .col(pk(WebhookDeliveries::Id))
                .col(ColumnDef::new(WebhookDeliveries::WebhookId).big_integer().not_null())
                .col(string(WebhookDeliveries::EventId, 36).not_null())
                .col(string(WebhookDeliveries::EventType, 64).not_null())
                .col(ColumnDef::new(WebhookDeliveries::Payload).text().not_null())
                .col(string(WebhookDeliveries::Status, 16).not_null())
                .col(ColumnDef::new(WebhookDeliveries::Attempts).integer().not_null())
                .col(timestamp(m, WebhookDeliveries::NextAttemptAt).not_null())
                .col(timestamp(m, WebhookDeliveries::ClaimedUntil).null())
                .col(string(WebhookDeliveries::ClaimedBy, 36).null())
                .col(ColumnDef::new(WebhookDeliveries::ResponseCode).integer().null())
                .col(string(WebhookDeliveries::LastError, 1000).null())
                .col(ColumnDef::new(WebhookDeliveries::RedeliveryOf).big_integer().null())
                .col(timestamp(m, WebhookDeliveries::CreatedAt).not_null())
                .col(timestamp(m, WebhookDeliveries::LastAttemptAt).null())
                .col(timestamp(m, WebhookDeliveries::DeliveredAt).null())
                .foreign_key(
                    ForeignKey::create()
                        .from(WebhookDeliveries::Table, WebhookDeliveries::WebhookId)
                        .to(Webhooks::Table, Webhooks::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(WebhookDeliveries::Table, "idx_webhook_deliveries_queue", &["status", "next_attempt_at"]))
            .await?;
        m.create_index(index(WebhookDeliveries::Table, "idx_webhook_deliveries_webhook", &["webhook_id", "id"])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(WebhookDeliveries::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Webhooks::Table).to_owned()).await
    }
}
