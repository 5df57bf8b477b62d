use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customer_rfm")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub customer_id: i64,
    pub first_order_date: Date,
    /// Days since 0001-01-01 (CE); recency is the stored `as_of` minus this.
    pub last_order_day: i64,
    pub frequency: i64,
    pub monetary_cents: i64,
    pub r: i16,
    pub f: i16,
    pub m: i16,
    pub segment: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
