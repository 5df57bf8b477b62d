use sea_orm::entity::prelude::*;

/// Each segment's size and sums over the stored RFM scores, written with them.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customer_rfm_segments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub segment: String,
    pub customers: i64,
    /// Σ of the customers' last order days (days since 0001-01-01 CE).
    pub last_order_day_sum: i64,
    pub frequency_sum: i64,
    pub monetary_cents_sum: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
