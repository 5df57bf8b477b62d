use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customer_product_pairs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub product_a: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub product_b: i64,
    pub customers: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
