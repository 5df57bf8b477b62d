//! Demo service history: requests over the same three years as the orders, with
//! realistic response and resolution times (some past their SLA), ratings skewed
//! towards content customers, and a few requests still open and overdue.

use std::ops::Range;

use chrono::Duration;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

use super::sales::{Generator, max_id};
use crate::entities::{service_request, service_update};
use crate::error::Result;
use crate::rules::sla::{self, SlaHours};

const SUBJECTS: &[&str] = &[
    "Cannot log in",
    "Invoice question",
    "Delivery is late",
    "Product arrived damaged",
    "How do I export reports?",
    "Change billing address",
    "Refund request",
    "Printer not connecting",
];

impl Generator {
    /// About one request per three customers, each with its `created` timeline entry.
    ///
    /// # Errors
    /// Database failures.
    pub(super) async fn service_requests(
        &mut self,
        db: &impl ConnectionTrait,
        rng: &mut StdRng,
        customers: Range<i64>,
        agents: &[i64],
        count: u64,
    ) -> Result<()> {
        if agents.is_empty() {
            return Ok(());
        }
        let hours = SlaHours::default();
        let mut next = max_id::<service_request::Entity>(db, service_request::Column::Id).await? + 1;
        let mut next_update = max_id::<service_update::Entity>(db, service_update::Column::Id).await? + 1;
        let mut requests = Vec::with_capacity(1000);
        let mut updates = Vec::with_capacity(1000);
        for _ in 0..count {
            let back_minutes = rng.random_range(0..3 * 365 * 24 * 60);
            let requested = self.at - Duration::minutes(back_minutes);
            let priority =
                *["low", "normal", "normal", "normal", "high", "high", "urgent"].choose(rng).unwrap_or(&"normal");
            let due = sla::due_at(requested, priority, &hours);
            let sla_minutes = i64::from(hours.for_priority(priority)) * 60;
            let first = requested + Duration::minutes(rng.random_range(5..(sla_minutes / 4).max(10)));
            // Most requests finish within their SLA; about one in six takes longer.
            let resolved = requested + Duration::minutes(rng.random_range(sla_minutes / 10..sla_minutes * 6 / 5 + 1));
            let age_days = back_minutes / (24 * 60);
            let status = if resolved > self.at {
                if first > self.at { "assigned" } else { "in_progress" }
            } else if age_days > 14 {
                if rng.random_bool(0.97) { "closed" } else { "in_progress" }
            } else {
                *["resolved", "closed", "in_progress"].choose(rng).unwrap_or(&"resolved")
            };
            let done = matches!(status, "resolved" | "closed");
            let rating = (done && rng.random_bool(0.6)).then(|| {
                let r: f64 = rng.random();
                match r {
                    x if x < 0.05 => 1,
                    x if x < 0.10 => 2,
                    x if x < 0.25 => 3,
                    x if x < 0.60 => 4,
                    _ => 5,
                }
            });
            let assigned = requested + Duration::minutes(1);
            requests.push(service_request::ActiveModel {
                id: Set(next),
                customer_id: Set(rng.random_range(customers.clone())),
                order_id: Set(None),
                subject: Set((*SUBJECTS.choose(rng).unwrap_or(&"Invoice question")).to_owned()),
                description: Set(None),
                channel: Set((*["phone", "email", "web", "chat"].choose(rng).unwrap_or(&"email")).to_owned()),
                priority: Set(priority.to_owned()),
                request_date: Set(requested),
                status: Set(status.to_owned()),
                assignee_id: Set(agents.choose(rng).copied()),
                assigned_at: Set(Some(assigned)),
                due_at: Set(due),
                first_response_at: Set((status != "assigned").then_some(first)),
                resolved_at: Set(done.then_some(resolved)),
                closed_at: Set((status == "closed").then(|| resolved + Duration::days(2)).map(|c| c.min(self.at))),
                rating: Set(rating),
                rating_comment: Set(None),
                rated_at: Set(rating.map(|_| (resolved + Duration::hours(20)).min(self.at))),
                rating_nonce: Set(None),
                created_at: Set(requested),
                updated_at: Set(requested),
                version: Set(1),
            });
            updates.push(service_update::ActiveModel {
                id: Set(next_update),
                request_id: Set(next),
                kind: Set("created".into()),
                body: Set(None),
                visibility: Set("customer".into()),
                from_status: Set(None),
                to_status: Set(None),
                author_id: Set(None),
                author: Set("system".into()),
                at: Set(requested),
            });
            next += 1;
            next_update += 1;
            if requests.len() >= 1000 {
                self.counts.service_requests += requests.len() as u64;
                service_request::Entity::insert_many(std::mem::take(&mut requests)).exec(db).await?;
                service_update::Entity::insert_many(std::mem::take(&mut updates)).exec(db).await?;
            }
        }
        self.counts.service_requests += requests.len() as u64;
        if !requests.is_empty() {
            service_request::Entity::insert_many(requests).exec(db).await?;
            service_update::Entity::insert_many(updates).exec(db).await?;
        }
        Ok(())
    }
}
