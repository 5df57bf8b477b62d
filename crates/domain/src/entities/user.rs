use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub active: bool,
    pub created_at: DateTime,
    pub updated_at: DateTime,
    pub version: i32,
    /// Consecutive failed sign-ins since the last success or lock.
    pub failed_logins: i32,
    /// Sign-in is refused until then.
    pub locked_until: Option<DateTime>,
    /// Raised when the password, role or active flag changes: older access tokens stop working.
    pub token_version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
