//! Demo marketing: a few saved segments and campaigns (a draft email, an SMS
//! campaign scheduled to start shortly after seeding, a phone follow-up draft), so
//! that the marketing screens show something on a fresh database. Added once: a
//! database that already has segments gets none.

use chrono::{Duration, Utc};
use rust_decimal::Decimal;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::Actor;
use crate::entities::segment;
use crate::error::Result;
use crate::rules::segment_filter::SegmentFilter;
use crate::services::campaigns::{self, CampaignInput};
use crate::services::segments::{self, SegmentInput};

/// Segments and campaigns added.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MarketingCounts {
    pub segments: u64,
    pub campaigns: u64,
}

pub(super) async fn marketing(db: &DatabaseConnection, actor: &Actor) -> Result<MarketingCounts> {
    if segment::Entity::find().count(db).await? > 0 {
        return Ok(MarketingCounts::default());
    }
    let champions = segments::create(
        db,
        actor,
        SegmentInput {
            name: "Champions".into(),
            description: Some("Bought recently, often and for much (RFM)".into()),
            filter: SegmentFilter { rfm_segment: Some("champions".into()), ..Default::default() },
        },
    )
    .await?;
    let at_risk = segments::create(
        db,
        actor,
        SegmentInput {
            name: "At risk, big spenders".into(),
            description: Some("Spent over 1,000 but have not ordered for a while".into()),
            filter: SegmentFilter {
                rfm_segment: Some("at_risk".into()),
                total_spend_min: Some(Decimal::new(1000, 0)),
                ..Default::default()
            },
        },
    )
    .await?;
    let shenzhen = segments::create(
        db,
        actor,
        SegmentInput {
            name: "Shenzhen customers".into(),
            description: None,
            filter: SegmentFilter { city: Some("Shenzhen".into()), ..Default::default() },
        },
    )
    .await?;
    let now = Utc::now();
    let email = CampaignInput {
        name: "Thank our champions".into(),
        goal: Some("Repeat orders from the best customers".into()),
        goal_metric: Some("orders".into()),
        goal_target: Some(Decimal::new(50, 0)),
        strategy: Some("Early access to the new range".into()),
        plan: Some("One email, then a call for those who click".into()),
        channel: "email".into(),
        segment_id: Some(champions.id),
        subject: Some("{{name}}, a thank-you from us".into()),
        body: "Dear {{name}},\n\nThank you for being with us. As one of our best customers in {{city}}, \
               you get early access to {{first_recommended_product}}.\n\nUnsubscribe: {{unsubscribe_url}}"
            .into(),
        budget: Some(Decimal::new(50000, 2)),
        cost: Some(Decimal::new(12000, 2)),
        start_at: None,
        end_at: None,
        attribution_days: Some(14),
    };
    let sms = CampaignInput {
        name: "Win back at-risk customers".into(),
        goal: Some("Bring back customers who stopped ordering".into()),
        goal_metric: Some("orders".into()),
        goal_target: Some(Decimal::new(20, 0)),
        channel: "sms".into(),
        segment_id: Some(at_risk.id),
        subject: None,
        body: "Hi {{name}}, we miss you: 10% off your next order this week. Reply STOP to opt out.".into(),
        budget: Some(Decimal::new(20000, 2)),
        start_at: Some(now + Duration::minutes(10)),
        end_at: Some(now + Duration::days(14)),
        ..email.clone()
    };
    let phone = CampaignInput {
        name: "Call Shenzhen customers".into(),
        goal: Some("Invite to the Shenzhen showroom opening".into()),
        goal_metric: None,
        goal_target: None,
        channel: "phone".into(),
        segment_id: Some(shenzhen.id),
        subject: None,
        body: "Invite {{name}} to the showroom opening.".into(),
        budget: None,
        cost: None,
        ..email.clone()
    };
    campaigns::create(db, actor, email).await?;
    let sms = campaigns::create(db, actor, sms).await?;
    campaigns::schedule(db, actor, sms.id, None).await?;
    campaigns::create(db, actor, phone).await?;
    Ok(MarketingCounts { segments: 3, campaigns: 3 })
}
