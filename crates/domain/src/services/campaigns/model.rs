//! The campaign record, its input and the checks a campaign passes when it is saved.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::entities::campaign;
use crate::money::{MAX_PRICE_CENTS, from_cents, to_cents};
use crate::rules::template::Template;
use crate::rules::validate::{self, Problems};
use crate::time::utc;

/// Channels a campaign reaches customers on.
pub const CHANNELS: &[&str] = &["email", "sms", "phone"];
/// What a goal's target counts.
pub const GOAL_METRICS: &[&str] = &["orders", "revenue", "converted", "clicked", "opened"];
/// The attribution window when none is given.
pub const DEFAULT_ATTRIBUTION_DAYS: i32 = 14;
/// Longest SMS body accepted (ten concatenated segments).
pub const MAX_SMS_BODY: usize = 1600;

/// A campaign as the outside world sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    pub goal: Option<String>,
    pub goal_metric: Option<String>,
    pub goal_target: Option<Decimal>,
    pub strategy: Option<String>,
    pub plan: Option<String>,
    pub channel: String,
    pub segment_id: Option<i64>,
    pub subject: Option<String>,
    pub body: String,
    pub budget: Option<Decimal>,
    pub cost: Decimal,
    pub start_at: Option<DateTime<Utc>>,
    pub end_at: Option<DateTime<Utc>>,
    pub attribution_days: i32,
    pub status: String,
    pub targeted: i64,
    pub skipped_opt_out: i64,
    pub skipped_no_address: i64,
    pub created_by: Option<i64>,
    pub launched_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<campaign::Model> for Campaign {
    fn from(m: campaign::Model) -> Self {
        Self {
            id: m.id,
            name: m.name,
            goal: m.goal,
            goal_metric: m.goal_metric,
            goal_target: m.goal_target_cents.map(from_cents),
            strategy: m.strategy,
            plan: m.plan,
            channel: m.channel,
            segment_id: m.segment_id,
            subject: m.subject,
            body: m.body,
            budget: m.budget_cents.map(from_cents),
            cost: from_cents(m.cost_cents),
            start_at: m.start_at.map(utc),
            end_at: m.end_at.map(utc),
            attribution_days: m.attribution_days,
            status: m.status,
            targeted: m.targeted,
            skipped_opt_out: m.skipped_opt_out,
            skipped_no_address: m.skipped_no_address,
            created_by: m.created_by,
            launched_at: m.launched_at.map(utc),
            completed_at: m.completed_at.map(utc),
            created_at: utc(m.created_at),
            updated_at: utc(m.updated_at),
            version: m.version,
        }
    }
}

/// Everything a campaign is made of (a full replacement when updating).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CampaignInput {
    pub name: String,
    pub goal: Option<String>,
    pub goal_metric: Option<String>,
    pub goal_target: Option<Decimal>,
    pub strategy: Option<String>,
    pub plan: Option<String>,
    pub channel: String,
    pub segment_id: Option<i64>,
    pub subject: Option<String>,
    pub body: String,
    pub budget: Option<Decimal>,
    pub cost: Option<Decimal>,
    pub start_at: Option<DateTime<Utc>>,
    pub end_at: Option<DateTime<Utc>>,
    pub attribution_days: Option<i32>,
}

/// A partial update: `None` leaves a field alone, `Some(None)` clears an optional one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CampaignChanges {
    pub name: Option<String>,
    pub goal: Option<Option<String>>,
    pub goal_metric: Option<Option<String>>,
    pub goal_target: Option<Option<Decimal>>,
    pub strategy: Option<Option<String>>,
    pub plan: Option<Option<String>>,
    pub channel: Option<String>,
    pub segment_id: Option<Option<i64>>,
    pub subject: Option<Option<String>>,
    pub body: Option<String>,
    pub budget: Option<Option<Decimal>>,
    pub cost: Option<Decimal>,
    pub start_at: Option<Option<DateTime<Utc>>>,
    pub end_at: Option<Option<DateTime<Utc>>>,
    pub attribution_days: Option<i32>,
}

impl CampaignChanges {
    /// The whole campaign after these changes.
    pub fn apply(self, cur: &Campaign) -> CampaignInput {
        CampaignInput {
            name: self.name.unwrap_or_else(|| cur.name.clone()),
            goal: self.goal.unwrap_or_else(|| cur.goal.clone()),
            goal_metric: self.goal_metric.unwrap_or_else(|| cur.goal_metric.clone()),
            goal_target: self.goal_target.unwrap_or(cur.goal_target),
            strategy: self.strategy.unwrap_or_else(|| cur.strategy.clone()),
            plan: self.plan.unwrap_or_else(|| cur.plan.clone()),
            channel: self.channel.unwrap_or_else(|| cur.channel.clone()),
            segment_id: self.segment_id.unwrap_or(cur.segment_id),
            subject: self.subject.unwrap_or_else(|| cur.subject.clone()),
            body: self.body.unwrap_or_else(|| cur.body.clone()),
            budget: self.budget.unwrap_or(cur.budget),
            cost: Some(self.cost.unwrap_or(cur.cost)),
            start_at: self.start_at.unwrap_or(cur.start_at),
            end_at: self.end_at.unwrap_or(cur.end_at),
            attribution_days: Some(self.attribution_days.unwrap_or(cur.attribution_days)),
        }
    }
}

/// A checked input, money in cents.
#[derive(Debug)]
pub(crate) struct Valid {
    pub name: String,
    pub goal: Option<String>,
    pub goal_metric: Option<String>,
    pub goal_target_cents: Option<i64>,
    pub strategy: Option<String>,
    pub plan: Option<String>,
    pub channel: String,
    pub segment_id: Option<i64>,
    pub subject: Option<String>,
    pub body: String,
    pub budget_cents: Option<i64>,
    pub cost_cents: i64,
    pub start_at: Option<DateTime<Utc>>,
    pub end_at: Option<DateTime<Utc>>,
    pub attribution_days: i32,
}

fn money(p: &mut Problems, field: &str, v: Option<Decimal>) -> Option<i64> {
    let v = v?;
    match to_cents(v) {
        Some(c) if (0..=MAX_PRICE_CENTS).contains(&c) => Some(c),
        _ => {
            p.add(field, "must be an amount from 0.00 to 99999999.99 with at most two decimal places");
            None
        }
    }
}

fn template(p: &mut Problems, field: &str, text: &str) {
    if let Err(e) = Template::parse(text) {
        p.add(field, e.0);
    }
}

/// Checks a campaign input (the segment's existence is checked by the caller).
pub(crate) fn validated(c: CampaignInput) -> crate::Result<Valid> {
    let mut p = Problems::default();
    let name = validate::required(&mut p, "name", &c.name, 200);
    let goal = validate::optional(&mut p, "goal", c.goal.as_deref(), 2000);
    let strategy = validate::optional(&mut p, "strategy", c.strategy.as_deref(), 10_000);
    let plan = validate::optional(&mut p, "plan", c.plan.as_deref(), 10_000);
    if !CHANNELS.contains(&c.channel.as_str()) {
        p.add("channel", format!("must be one of {}", CHANNELS.join(", ")));
    }
    let goal_metric = c.goal_metric.filter(|m| !m.trim().is_empty());
    if let Some(m) = &goal_metric
        && !GOAL_METRICS.contains(&m.as_str())
    {
        p.add("goal_metric", format!("must be one of {}", GOAL_METRICS.join(", ")));
    }
    let goal_target_cents = money(&mut p, "goal_target", c.goal_target);
    if goal_target_cents.is_some() && goal_metric.is_none() {
        p.add("goal_metric", "is needed when goal_target is given");
    }
    let subject = validate::optional(&mut p, "subject", c.subject.as_deref(), 300);
    if c.channel == "email" && subject.is_none() {
        p.add("subject", "an email campaign needs a subject");
    }
    if let Some(s) = &subject {
        template(&mut p, "subject", s);
    }
    let max_body = if c.channel == "sms" { MAX_SMS_BODY } else { 100_000 };
    let body = validate::required(&mut p, "body", &c.body, max_body);
    template(&mut p, "body", &body);
    let budget_cents = money(&mut p, "budget", c.budget);
    let cost_cents = money(&mut p, "cost", c.cost).unwrap_or(0);
    if let (Some(s), Some(e)) = (c.start_at, c.end_at)
        && e <= s
    {
        p.add("end_at", "must be after start_at");
    }
    let attribution_days = c.attribution_days.unwrap_or(DEFAULT_ATTRIBUTION_DAYS);
    if !(1..=365).contains(&attribution_days) {
        p.add("attribution_days", "must be 1–365");
    }
    p.finish()?;
    Ok(Valid {
        name,
        goal,
        goal_metric,
        goal_target_cents,
        strategy,
        plan,
        channel: c.channel,
        segment_id: c.segment_id,
        subject,
        body,
        budget_cents,
        cost_cents,
        start_at: c.start_at,
        end_at: c.end_at,
        attribution_days,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> CampaignInput {
        CampaignInput {
            name: "Spring".into(),
            channel: "email".into(),
            subject: Some("Hi {{first_name}}".into()),
            body: "Dear {{name}}, see https://shop.example/spring {{unsubscribe_url}}".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_campaign_gets_defaults() {
        let v = validated(input()).unwrap();
        assert_eq!(v.attribution_days, 14);
        assert_eq!(v.cost_cents, 0);
    }

    #[test]
    fn unknown_placeholders_missing_subject_and_bad_money_are_named() {
        let e = validated(CampaignInput {
            subject: None,
            body: "Hi {{nickname}}".into(),
            cost: Some("1.234".parse().unwrap()),
            goal_target: Some("200".parse().unwrap()),
            ..input()
        })
        .unwrap_err();
        let crate::DomainError::Invalid(f) = e else { panic!("{e:?}") };
        let names: Vec<&str> = f.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["goal_metric", "subject", "body", "cost"]);
        assert!(f[2].message.contains("{{nickname}}"));
    }

    #[test]
    fn sms_bodies_are_limited_and_need_no_subject() {
        let ok = validated(CampaignInput { channel: "sms".into(), subject: None, body: "x".repeat(1600), ..input() });
        assert!(ok.is_ok());
        let long = validated(CampaignInput { channel: "sms".into(), subject: None, body: "x".repeat(1601), ..input() });
        assert!(long.is_err());
    }
}
