use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "campaigns")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub goal: Option<String>,
    pub goal_metric: Option<String>,
    /// The goal's target in hundredths (cents for revenue, count × 100 otherwise).
    pub goal_target_cents: Option<i64>,
    pub strategy: Option<String>,
    pub plan: Option<String>,
    pub channel: String,
    pub segment_id: Option<i64>,
    pub subject: Option<String>,
    pub body: String,
    pub budget_cents: Option<i64>,
    pub cost_cents: i64,
    pub start_at: Option<DateTime>,
    pub end_at: Option<DateTime>,
    pub attribution_days: i32,
    pub status: String,
    pub targeted: i64,
    pub skipped_opt_out: i64,
    pub skipped_no_address: i64,
    pub created_by: Option<i64>,
    pub launched_at: Option<DateTime>,
    pub completed_at: Option<DateTime>,
    pub created_at: DateTime,
    pub updated_at: DateTime,
    pub deleted_at: Option<DateTime>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
