use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    pub order_id: Option<i64>,
    pub subject: String,
    pub description: Option<String>,
    pub channel: String,
    pub priority: String,
    pub request_date: DateTime,
    pub status: String,
    pub assignee_id: Option<i64>,
    pub assigned_at: Option<DateTime>,
    pub due_at: DateTime,
    pub first_response_at: Option<DateTime>,
    pub resolved_at: Option<DateTime>,
    pub closed_at: Option<DateTime>,
    pub rating: Option<i16>,
    pub rating_comment: Option<String>,
    pub rated_at: Option<DateTime>,
    pub rating_nonce: Option<String>,
    pub created_at: DateTime,
    pub updated_at: DateTime,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
