//! Marketing: saved customer segments, campaigns, one message row per targeted customer
//! (the delivery queue, with its tracking), per-channel opt-outs, and the outbox that
//! stands in for a mail server or SMS gateway when none is configured. Products gain a
//! category (segments filter on it) and activities an outcome (phone campaigns record
//! the call's result there).

use sea_orm_migration::prelude::*;

use crate::util::{create_table, index, pk, string, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Products {
    Table,
    Category,
}

#[derive(DeriveIden)]
enum Activities {
    Table,
    Outcome,
}

#[derive(DeriveIden)]
enum CustomerOptOuts {
    Table,
    CustomerId,
    Channel,
    Source,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Segments {
    Table,
    Id,
    Name,
    Description,
    Filter,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
    Version,
}

#[derive(DeriveIden)]
enum Campaigns {
    Table,
    Id,
    Name,
    Goal,
    GoalMetric,
    GoalTargetCents,
    Strategy,
    Plan,
    Channel,
    SegmentId,
    Subject,
    Body,
    BudgetCents,
    CostCents,
    StartAt,
    EndAt,
    AttributionDays,
    Status,
    Targeted,
    SkippedOptOut,
    SkippedNoAddress,
    CreatedBy,
    LaunchedAt,
    CompletedAt,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
    Version,
}

#[derive(DeriveIden)]
enum CampaignMessages {
    Table,
    Id,
    CampaignId,
    CustomerId,
    Channel,
    Recipient,
    Token,
    IsTest,
    Status,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    ClaimedBy,
    Subject,
    Body,
    Links,
    Error,
    SentAt,
    AttributeUntil,
    OpenedAt,
    ClickedAt,
    Opens,
    Clicks,
    ActivityId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OutboxMessages {
    Table,
    Id,
    MessageId,
    Channel,
    Recipient,
    Subject,
    Body,
    Html,
    CreatedAt,
}

fn fk(
    from_table: impl IntoIden,
    from_col: impl IntoIden,
    to: &str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from_table, from_col).to(Alias::new(to), Alias::new("id")).on_delete(on_delete).take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict, SetNull};
        m.alter_table(Table::alter().table(Products::Table).add_column(string(Products::Category, 100).null()).take())
            .await?;
        m.create_index(index(Products::Table, "idx_products_category", &["category"])).await?;
        m.alter_table(
            Table::alter().table(Activities::Table).add_column(string(Activities::Outcome, 2000).null()).take(),
        )
        .await?;

        create_table(
            m,
            Table::create()
                .table(CustomerOptOuts::Table)
                .col(ColumnDef::new(CustomerOptOuts::CustomerId).big_integer().not_null())
                .col(string(CustomerOptOuts::Channel, 16).not_null())
                .col(string(CustomerOptOuts::Source, 32).not_null())
                .col(timestamp(m, CustomerOptOuts::CreatedAt).not_null())
                .primary_key(Index::create().col(CustomerOptOuts::CustomerId).col(CustomerOptOuts::Channel))
                .foreign_key(&mut fk(CustomerOptOuts::Table, CustomerOptOuts::CustomerId, "customers", Cascade))
                .to_owned(),
        )
        .await?;

        create_table(
            m,
            Table::create()
                .table(Segments::Table)
                .col(pk(Segments::Id))
                .col(string(Segments::Name, 200).not_null())
                .col(ColumnDef::new(Segments::Description).text().null())
                .col(ColumnDef::new(Segments::Filter).text().not_null())
                .col(ColumnDef::new(Segments::CreatedBy).big_integer().null())
                .col(timestamp(m, Segments::CreatedAt).not_null())
                .col(timestamp(m, Segments::UpdatedAt).not_null())
                .col(timestamp(m, Segments::DeletedAt).null())
                .col(ColumnDef::new(Segments::Version).integer().not_null())
                .foreign_key(&mut fk(Segments::Table, Segments::CreatedBy, "users", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index(Segments::Table, "idx_segments_deleted_name", &["deleted_at", "name"])).await?;

        create_table(
            m,
            Table::create()
                .table(Campaigns::Table)
                .col(pk(Campaigns::Id))
                .col(string(Campaigns::Name, 200).not_null())
                .col(ColumnDef::new(Campaigns::Goal).text().null())
                .col(string(Campaigns::GoalMetric, 16).null())
                .col(ColumnDef::new(Campaigns::GoalTargetCents).big_integer().null())
                .col(ColumnDef::new(Campaigns::Strategy).text().null())
                .col(ColumnDef::new(Campaigns::Plan).text().null())
                .col(string(Campaigns::Channel, 8).not_null())
                .col(ColumnDef::new(Campaigns::SegmentId).big_integer().null())
                .col(string(Campaigns::Subject, 300).null())
                .col(ColumnDef::new(Campaigns::Body).text().not_null())
                .col(ColumnDef::new(Campaigns::BudgetCents).big_integer().null())
                .col(ColumnDef::new(Campaigns::CostCents).big_integer().not_null())
                .col(timestamp(m, Campaigns::StartAt).null())
                .col(timestamp(m, Campaigns::EndAt).null())
                .col(ColumnDef::new(Campaigns::AttributionDays).integer().not_null())
                .col(string(Campaigns::Status, 16).not_null())
                .col(ColumnDef::new(Campaigns::Targeted).big_integer().not_null())
                .col(ColumnDef::new(Campaigns::SkippedOptOut).big_integer().not_null())
                .col(ColumnDef::new(Campaigns::SkippedNoAddress).big_integer().not_null())
                .col(ColumnDef::new(Campaigns::CreatedBy).big_integer().null())
                .col(timestamp(m, Campaigns::LaunchedAt).null())
                .col(timestamp(m, Campaigns::CompletedAt).null())
                .col(timestamp(m, Campaigns::CreatedAt).not_null())
                .col(timestamp(m, Campaigns::UpdatedAt).not_null())
                .col(timestamp(m, Campaigns::DeletedAt).null())
                .col(ColumnDef::new(Campaigns::Version).integer().not_null())
                .foreign_key(&mut fk(Campaigns::Table, Campaigns::SegmentId, "segments", Restrict))
                .foreign_key(&mut fk(Campaigns::Table, Campaigns::CreatedBy, "users", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index(Campaigns::Table, "idx_campaigns_status_start", &["status", "start_at"])).await?;
        m.create_index(index(Campaigns::Table, "idx_campaigns_created", &["created_at"])).await?;

        create_table(
            m,
            Table::create()
                .table(CampaignMessages::Table)
                .col(pk(CampaignMessages::Id))
                .col(ColumnDef::new(CampaignMessages::CampaignId).big_integer().not_null())
                .col(ColumnDef::new(CampaignMessages::CustomerId).big_integer().not_null())
                .col(string(CampaignMessages::Channel, 8).not_null())
                .col(string(CampaignMessages::Recipient, 320).not_null())
                .col(string(CampaignMessages::Token, 64).not_null().unique_key())
                .col(ColumnDef::new(CampaignMessages::IsTest).boolean().not_null())
                .col(string(CampaignMessages::Status, 16).not_null())
                .col(ColumnDef::new(CampaignMessages::Attempts).integer().not_null())
                .col(timestamp(m, CampaignMessages::NextAttemptAt).not_null())
                .col(timestamp(m, CampaignMessages::ClaimedUntil).null())
                .col(string(CampaignMessages::ClaimedBy, 36).null())
                .col(string(CampaignMessages::Subject, 1000).null())
                .col(ColumnDef::new(CampaignMessages::Body).text().null())
                .col(ColumnDef::new(CampaignMessages::Links).text().null())
                .col(string(CampaignMessages::Error, 1000).null())
                .col(timestamp(m, CampaignMessages::SentAt).null())
                .col(timestamp(m, CampaignMessages::AttributeUntil).null())
                .col(timestamp(m, CampaignMessages::OpenedAt).null())
                .col(timestamp(m, CampaignMessages::ClickedAt).null())
                .col(ColumnDef::new(CampaignMessages::Opens).integer().not_null())
                .col(ColumnDef::new(CampaignMessages::Clicks).integer().not_null())
                .col(ColumnDef::new(CampaignMessages::ActivityId).big_integer().null())
                .col(timestamp(m, CampaignMessages::CreatedAt).not_null())
                .foreign_key(&mut fk(CampaignMessages::Table, CampaignMessages::CampaignId, "campaigns", Cascade))
                .foreign_key(&mut fk(CampaignMessages::Table, CampaignMessages::CustomerId, "customers", Cascade))
                .foreign_key(&mut fk(CampaignMessages::Table, CampaignMessages::ActivityId, "activities", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index(CampaignMessages::Table, "idx_campaign_messages_queue", &["status", "next_attempt_at"]))
            .await?;
        m.create_index(index(CampaignMessages::Table, "idx_campaign_messages_campaign", &["campaign_id", "status"]))
            .await?;
        m.create_index(index(CampaignMessages::Table, "idx_campaign_messages_customer", &["customer_id", "sent_at"]))
            .await?;

        create_table(
            m,
            Table::create()
                .table(OutboxMessages::Table)
                .col(pk(OutboxMessages::Id))
                .col(string(OutboxMessages::MessageId, 120).not_null().unique_key())
                .col(string(OutboxMessages::Channel, 8).not_null())
                .col(string(OutboxMessages::Recipient, 320).not_null())
                .col(string(OutboxMessages::Subject, 1000).null())
                .col(ColumnDef::new(OutboxMessages::Body).text().not_null())
                .col(ColumnDef::new(OutboxMessages::Html).text().null())
                .col(timestamp(m, OutboxMessages::CreatedAt).not_null())
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["outbox_messages", "campaign_messages", "campaigns", "segments", "customer_opt_outs"] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned()).await?;
        }
        m.drop_index(Index::drop().name("idx_products_category").table(Products::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Products::Table).drop_column(Products::Category).take()).await?;
        m.alter_table(Table::alter().table(Activities::Table).drop_column(Activities::Outcome).take()).await
    }
}
