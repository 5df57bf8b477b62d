use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "campaign_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub campaign_id: i64,
    pub customer_id: i64,
    pub channel: String,
    pub recipient: String,
    /// Unguessable: names the message in tracking links and is its idempotent message id.
    pub token: String,
    pub is_test: bool,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime,
    pub claimed_until: Option<DateTime>,
    /// The worker (a random id per process) holding the claim.
    pub claimed_by: Option<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
    /// JSON array of the URLs in the rendered message: the only click-redirect targets.
    pub links: Option<String>,
    pub error: Option<String>,
    pub sent_at: Option<DateTime>,
    pub attribute_until: Option<DateTime>,
    pub opened_at: Option<DateTime>,
    pub clicked_at: Option<DateTime>,
    pub opens: i32,
    pub clicks: i32,
    pub activity_id: Option<i64>,
    pub created_at: DateTime,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
