use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub url: String,
    /// JSON array of event names and patterns (`customer.*`, `*`).
    pub events: String,
    /// The HMAC key of the signatures; shown to the admin once, at creation.
    pub secret: String,
    pub active: bool,
    pub description: Option<String>,
    /// Why the server switched the subscription off (failed deliveries in a row).
    pub disabled_reason: Option<String>,
    /// Deliveries that failed for good since the last one that succeeded.
    pub failure_streak: i32,
    pub created_by: Option<i64>,
    pub created_at: DateTime,
    pub updated_at: DateTime,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
