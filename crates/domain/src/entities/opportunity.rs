use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "opportunities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    pub customer_id: i64,
    pub lead_id: Option<i64>,
    pub amount_cents: i64,
    pub stage: String,
    pub probability: i16,
    pub expected_close_date: Option<Date>,
    pub owner_id: Option<i64>,
    pub lost_reason: Option<String>,
    pub closed_at: Option<DateTime>,
    pub last_activity_at: DateTime,
    pub created_at: DateTime,
    pub updated_at: DateTime,
    pub deleted_at: Option<DateTime>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
