use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `user:3` or `api_key:2`: keys are per caller.
    pub principal: String,
    pub key: String,
    /// SHA-256 (hex) of method, path, query and body.
    pub fingerprint: String,
    /// `pending` while the first request runs, then `done`.
    pub status: String,
    pub response_status: Option<i32>,
    /// JSON object of the replayed headers (content type, location, ETag).
    pub response_headers: Option<String>,
    pub response_body: Option<String>,
    pub created_at: DateTime,
    pub completed_at: Option<DateTime>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
