use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub webhook_id: i64,
    /// The event's id: the same in every delivery of one event (and in redeliveries).
    pub event_id: String,
    pub event_type: String,
    /// The JSON body sent, exactly as signed.
    pub payload: String,
    /// `queued`, `sending`, `delivered`, `failed` or `cancelled`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime,
    pub claimed_until: Option<DateTime>,
    /// The worker (a random id per process) holding the claim.
    pub claimed_by: Option<String>,
    pub response_code: Option<i32>,
    pub last_error: Option<String>,
    /// The delivery this one repeats, when made by "redeliver".
    pub redelivery_of: Option<i64>,
    pub created_at: DateTime,
    pub last_attempt_at: Option<DateTime>,
    pub delivered_at: Option<DateTime>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
