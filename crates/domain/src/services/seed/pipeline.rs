//! Demo pipeline: opportunities across stages, leads in every status, quotes and
//! activities (some overdue), spread over the seeded customers.

use std::ops::Range;

use chrono::{Datelike, Duration, NaiveDateTime};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, RngCore};
use rust_decimal::Decimal;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::sales::{Generator, counter_value, max_id, store_counter};
use crate::entities::{activity, lead, opportunity, quote, quote_line};
use crate::error::Result;
use crate::money::to_cents;
use crate::rules::pricing;
use crate::rules::transitions::default_probability;

impl Generator {
    fn rep(&self, rng: &mut StdRng) -> i64 {
        self.reps.choose(rng).copied().unwrap_or_default()
    }

    fn past(&self, rng: &mut StdRng, days: i64) -> NaiveDateTime {
        self.at - Duration::minutes(rng.random_range(0..days * 24 * 60))
    }

    pub(super) async fn opportunities(
        &mut self,
        db: &impl ConnectionTrait,
        rng: &mut StdRng,
        customers: Range<i64>,
        count: u64,
    ) -> Result<Vec<i64>> {
        let mut next = max_id::<opportunity::Entity>(db, opportunity::Column::Id).await? + 1;
        let stages = ["prospecting", "qualification", "proposal", "negotiation", "won", "lost"];
        let mut ids = Vec::new();
        let mut rows = Vec::new();
        for i in 0..count {
            let stage = stages[usize::try_from(i).unwrap_or(0) % stages.len()];
            let created = self.past(rng, 180);
            let closed = matches!(stage, "won" | "lost").then(|| created + Duration::days(rng.random_range(5..60)));
            rows.push(opportunity::ActiveModel {
                id: Set(next),
                title: Set(format!(
                    "{} deal",
                    ["Annual", "Expansion", "Pilot", "Renewal", "Upgrade"][rng.random_range(0..5)]
                )),
                customer_id: Set(rng.random_range(customers.clone())),
                lead_id: Set(None),
                amount_cents: Set(rng.random_range(10..500) * 100_000),
                stage: Set(stage.to_owned()),
                probability: Set(default_probability(stage)),
                expected_close_date: Set(Some((self.at + Duration::days(rng.random_range(-30..120))).date())),
                owner_id: Set(Some(self.rep(rng))),
                lost_reason: Set((stage == "lost")
                    .then(|| (*["price", "timing", "competitor"].choose(rng).unwrap_or(&"price")).to_owned())),
                closed_at: Set(closed.map(|c| c.min(self.at))),
                last_activity_at: Set(created),
                created_at: Set(created),
                updated_at: Set(created),
                deleted_at: Set(None),
                version: Set(1),
            });
            ids.push(next);
            next += 1;
        }
        self.counts.opportunities += rows.len() as u64;
        for chunk in rows.chunks(1000) {
            opportunity::Entity::insert_many(chunk.to_vec()).exec(db).await?;
        }
        Ok(ids)
    }

    pub(super) async fn leads(
        &mut self,
        db: &impl ConnectionTrait,
        rng: &mut StdRng,
        customers: Range<i64>,
        count: u64,
    ) -> Result<Vec<i64>> {
        let mut next = max_id::<lead::Entity>(db, lead::Column::Id).await? + 1;
        let statuses = ["new", "new", "contacted", "qualified", "disqualified", "converted"];
        let companies =
            ["Jade Imports", "Harbour Logistics", "Silk Road Tea", "Northwind", "Blue Sky Media", "Red Lantern Foods"];
        let mut ids = Vec::new();
        let mut rows = Vec::new();
        for i in 0..count {
            let status = statuses[usize::try_from(i).unwrap_or(0) % statuses.len()];
            let created = self.past(rng, 60);
            let company = *companies.choose(rng).unwrap_or(&"Northwind");
            let name = format!("Contact {}", rng.next_u32() % 100_000);
            rows.push(lead::ActiveModel {
                id: Set(next),
                name_lower: Set(name.to_lowercase()),
                name: Set(name),
                company: Set(Some(company.to_owned())),
                email: Set(Some(format!("lead{next}@example.net"))),
                phone: Set(None),
                source: Set(
                    (*["web", "referral", "event", "campaign", "other"].choose(rng).unwrap_or(&"web")).to_owned()
                ),
                status: Set(status.to_owned()),
                owner_id: Set(Some(self.rep(rng))),
                notes: Set(None),
                customer_id: Set((status == "converted").then(|| rng.random_range(customers.clone()))),
                opportunity_id: Set(None),
                converted_at: Set((status == "converted").then_some(created + Duration::days(3))),
                last_activity_at: Set(created),
                created_at: Set(created),
                updated_at: Set(created),
                deleted_at: Set(None),
                version: Set(1),
            });
            ids.push(next);
            next += 1;
        }
        self.counts.leads += rows.len() as u64;
        for chunk in rows.chunks(1000) {
            lead::Entity::insert_many(chunk.to_vec()).exec(db).await?;
        }
        Ok(ids)
    }

    pub(super) async fn quotes(
        &mut self,
        db: &impl ConnectionTrait,
        rng: &mut StdRng,
        opps: &[i64],
        count: u64,
    ) -> Result<()> {
        let mut next = max_id::<quote::Entity>(db, quote::Column::Id).await? + 1;
        let mut next_line = max_id::<quote_line::Entity>(db, quote_line::Column::Id).await? + 1;
        let year = self.at.year();
        let counter_name = format!("quote:{year}");
        let mut number = counter_value(db, &counter_name).await?;
        // In chunks: a million customers make 50 000 opportunities, more ids than SQLite
        // takes as parameters of one statement.
        let mut opp_rows: Vec<(i64, i64, Option<i64>)> = Vec::with_capacity(opps.len());
        for chunk in opps.chunks(1000) {
            let rows: Vec<(i64, i64, Option<i64>)> = opportunity::Entity::find()
                .select_only()
                .column(opportunity::Column::Id)
                .column(opportunity::Column::CustomerId)
                .column(opportunity::Column::OwnerId)
                .filter(opportunity::Column::Id.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(db)
                .await?;
            opp_rows.extend(rows);
        }
        opp_rows.sort_unstable_by_key(|r| r.0);
        let statuses = ["draft", "sent", "sent", "accepted", "rejected"];
        for i in 0..count.min(opp_rows.len() as u64) {
            let (opp, customer, owner) = opp_rows[usize::try_from(i).unwrap_or(0)];
            let status = statuses[usize::try_from(i).unwrap_or(0) % statuses.len()];
            let lines = self.lines(rng);
            let net: i64 = lines.iter().map(|l| l.5).sum();
            let gross: i64 = lines.iter().map(|l| l.2 / 1000 * l.3).sum();
            let tax = to_cents(pricing::round(Decimal::new(net, 2) * Decimal::new(13, 2))).unwrap_or(0);
            let created = self.past(rng, 40);
            number += 1;
            quote::Entity::insert(quote::ActiveModel {
                id: Set(next),
                number: Set(format!("Q-{year}-{number:06}")),
                customer_id: Set(customer),
                opportunity_id: Set(Some(opp)),
                owner_id: Set(owner),
                status: Set(status.to_owned()),
                valid_until: Set((created + Duration::days(30)).date()),
                currency: Set("CNY".into()),
                tax_rate_bp: Set(1300),
                subtotal_cents: Set(gross),
                discount_cents: Set(gross - net),
                tax_cents: Set(tax),
                total_cents: Set(net + tax),
                notes: Set(None),
                sent_at: Set((status != "draft").then_some(created)),
                decided_at: Set(matches!(status, "accepted" | "rejected").then(|| created + Duration::days(2))),
                order_id: Set(None),
                created_at: Set(created),
                updated_at: Set(created),
                deleted_at: Set(None),
                version: Set(1),
            })
            .exec(db)
            .await?;
            let rows: Vec<quote_line::ActiveModel> = lines
                .into_iter()
                .enumerate()
                .map(|(pos, (product_id, name, qty, price, disc, total))| {
                    let row = quote_line::ActiveModel {
                        id: Set(next_line),
                        quote_id: Set(next),
                        position: Set(i32::try_from(pos).unwrap_or(0) + 1),
                        product_id: Set(Some(product_id)),
                        description: Set(name),
                        quantity_milli: Set(qty),
                        unit_price_cents: Set(price),
                        discount_bp: Set(disc),
                        line_total_cents: Set(total),
                    };
                    next_line += 1;
                    row
                })
                .collect();
            quote_line::Entity::insert_many(rows).exec(db).await?;
            self.counts.quotes += 1;
            next += 1;
        }
        store_counter(db, &counter_name, number).await
    }

    pub(super) async fn activities(
        &mut self,
        db: &impl ConnectionTrait,
        rng: &mut StdRng,
        customers: Range<i64>,
        leads: &[i64],
        opps: &[i64],
        count: u64,
    ) -> Result<()> {
        let mut next = max_id::<activity::Entity>(db, activity::Column::Id).await? + 1;
        let kinds = ["call", "email", "meeting", "note", "task"];
        let subjects = [
            "Follow up on quote",
            "Intro call",
            "Send brochure",
            "Quarterly review",
            "Check delivery",
            "Discuss renewal",
        ];
        let mut rows = Vec::new();
        for _ in 0..count {
            let created = self.past(rng, 90);
            let due = created + Duration::days(rng.random_range(1..30));
            // Past due dates are mostly done; a fifth stay open and show up as overdue.
            let done = (due < self.at && rng.random_bool(0.8)).then_some(due);
            let (customer_id, lead_id, opportunity_id) = match rng.random_range(0..3) {
                0 if !leads.is_empty() => (None, leads.choose(rng).copied(), None),
                1 if !opps.is_empty() => (None, None, opps.choose(rng).copied()),
                _ => (Some(rng.random_range(customers.clone())), None, None),
            };
            rows.push(activity::ActiveModel {
                id: Set(next),
                kind: Set((*kinds.choose(rng).unwrap_or(&"call")).to_owned()),
                subject: Set((*subjects.choose(rng).unwrap_or(&"Intro call")).to_owned()),
                body: Set(None),
                due_at: Set(Some(due)),
                done_at: Set(done),
                outcome: Set(done.map(|_| "Reached".to_owned())),
                owner_id: Set(self.rep(rng)),
                customer_id: Set(customer_id),
                lead_id: Set(lead_id),
                opportunity_id: Set(opportunity_id),
                created_at: Set(created),
                updated_at: Set(created),
                deleted_at: Set(None),
                version: Set(1),
            });
            next += 1;
        }
        self.counts.activities += rows.len() as u64;
        for chunk in rows.chunks(1000) {
            activity::Entity::insert_many(chunk.to_vec()).exec(db).await?;
        }
        Ok(())
    }
}
