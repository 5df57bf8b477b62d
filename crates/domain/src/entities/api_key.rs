use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub key_hash: String,
    pub role: String,
    pub created_by: Option<i64>,
    pub created_at: DateTime,
    pub last_used_at: Option<DateTime>,
    pub revoked_at: Option<DateTime>,
    /// A read-only key may only GET and HEAD.
    pub read_only: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
