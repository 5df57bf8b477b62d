//! Demo sales history: ~3 years of orders with lines (growth, a yearly season and a
//! November promotion, so that forecasts have something real to fit), leads in every
//! status, opportunities across stages, quotes and activities (some overdue).
//!
//! Rows are written with explicit ids in large batches; 1M customers bring ~10M orders.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rust_decimal::Decimal;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};
use serde::Serialize;

use crate::entities::{counter, order, order_line, product};
use crate::error::Result;
use crate::money::to_cents;
use crate::rules::pricing::{self, Line};

/// How many sales records a seed run added.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SalesCounts {
    pub orders: u64,
    pub order_lines: u64,
    pub leads: u64,
    pub opportunities: u64,
    pub quotes: u64,
    pub activities: u64,
    pub service_requests: u64,
}

/// Active products with their prices.
pub struct Catalogue(Vec<(i64, String, i64)>);

impl Catalogue {
    /// Loads the active products.
    ///
    /// # Errors
    /// Database failures.
    pub async fn load(db: &DatabaseConnection) -> Result<Self> {
        let rows: Vec<(i64, String, i64)> = product::Entity::find()
            .select_only()
            .column(product::Column::Id)
            .column(product::Column::Name)
            .column(product::Column::PriceCents)
            .filter(product::Column::Active.eq(true))
            .filter(product::Column::DeletedAt.is_null())
            .into_tuple()
            .all(db)
            .await?;
        Ok(Self(rows))
    }
}

const HISTORY_DAYS: i64 = 3 * 365;
const ORDER_CHUNK: usize = 1000;
const LINE_CHUNK: usize = 3000;

/// Writes sales records while customers are seeded, then the rest at the end.
pub struct Generator {
    pub(super) reps: Vec<i64>,
    agents: Vec<i64>,
    pub(super) catalogue: Catalogue,
    pub(super) at: NaiveDateTime,
    next_order: i64,
    next_line: i64,
    order_numbers: HashMap<i32, i64>,
    product_orders: HashMap<i64, i64>,
    pairs: HashMap<(i64, i64), i64>,
    counted_orders: i64,
    pub(super) counts: SalesCounts,
}

pub(super) async fn max_id<E: EntityTrait>(db: &impl ConnectionTrait, col: E::Column) -> Result<i64> {
    let max: Option<Option<i64>> = E::find().select_only().column_as(col.max(), "m").into_tuple().one(db).await?;
    Ok(max.flatten().unwrap_or(0))
}

pub(super) async fn counter_value(db: &impl ConnectionTrait, name: &str) -> Result<i64> {
    Ok(counter::Entity::find_by_id(name.to_owned()).one(db).await?.map_or(0, |c| c.value))
}

pub(super) async fn store_counter(db: &impl ConnectionTrait, name: &str, value: i64) -> Result<()> {
    counter::Entity::insert(counter::ActiveModel { name: Set(name.to_owned()), value: Set(value) })
        .on_conflict_do_nothing_on([counter::Column::Name])
        .exec(db)
        .await?;
    counter::Entity::update_many()
        .set(counter::ActiveModel { value: Set(value), ..Default::default() })
        .filter(counter::Column::Name.eq(name))
        .exec(db)
        .await?;
    Ok(())
}

/// Relative order volume on a day `back` days ago: growth towards today, a winter
/// high season, and the November 11 promotion week.
fn demand(day: NaiveDate, back: i64) -> f64 {
    let t = 1.0 - back as f64 / HISTORY_DAYS as f64;
    let growth = 0.6 + 0.8 * t;
    let month = f64::from(day.month0());
    let season = 1.0 + 0.25 * (2.0 * std::f64::consts::PI * (month - 11.0) / 12.0).cos();
    let promo = if day.month() == 11 && (8..=14).contains(&day.day()) { 1.8 } else { 1.0 };
    growth * season * promo
}

impl Generator {
    /// Prepares ids and document counters after what the database holds.
    ///
    /// # Errors
    /// Database failures.
    pub async fn start(
        db: &DatabaseConnection,
        reps: &[i64],
        agents: &[i64],
        catalogue: Catalogue,
        at: NaiveDateTime,
    ) -> Result<Self> {
        Ok(Self {
            reps: reps.to_vec(),
            agents: agents.to_vec(),
            catalogue,
            at,
            next_order: max_id::<order::Entity>(db, order::Column::Id).await? + 1,
            next_line: max_id::<order_line::Entity>(db, order_line::Column::Id).await? + 1,
            order_numbers: HashMap::new(),
            product_orders: HashMap::new(),
            pairs: HashMap::new(),
            counted_orders: 0,
            counts: SalesCounts::default(),
        })
    }

    fn order_date(&self, rng: &mut StdRng) -> (NaiveDate, i64) {
        // Rejection sampling against the demand curve (its maximum is below 3.2).
        loop {
            let back = rng.random_range(0..HISTORY_DAYS);
            let day = self.at.date() - Duration::days(back);
            if rng.random::<f64>() * 3.2 < demand(day, back) {
                return (day, back);
            }
        }
    }

    async fn order_number(&mut self, db: &impl ConnectionTrait, year: i32) -> Result<String> {
        let n = match self.order_numbers.get_mut(&year) {
            Some(n) => n,
            None => {
                let start = counter_value(db, &format!("order:{year}")).await?;
                self.order_numbers.entry(year).or_insert(start)
            }
        };
        *n += 1;
        Ok(format!("O-{year}-{:06}", *n))
    }

    pub(super) fn lines(&self, rng: &mut StdRng) -> Vec<(i64, String, i64, i64, i32, i64)> {
        let n = rng.random_range(1..=5usize).min(self.catalogue.0.len());
        self.catalogue
            .0
            .choose_multiple(rng, n)
            .map(|(id, name, price)| {
                let qty = rng.random_range(1..=5i64);
                let discount_bp = *[0, 0, 0, 500, 1000].choose(rng).unwrap_or(&0);
                let amounts = pricing::line(Line {
                    quantity: Decimal::from(qty),
                    unit_price: Decimal::new(*price, 2),
                    discount_pct: Decimal::new(i64::from(discount_bp), 2),
                });
                (*id, name.clone(), qty * 1000, *price, discount_bp, to_cents(amounts.total).unwrap_or(0))
            })
            .collect()
    }

    /// Orders for a batch of new customers (id, owner): about ten each over three years.
    ///
    /// # Errors
    /// Database failures.
    pub async fn orders_for(
        &mut self,
        db: &impl ConnectionTrait,
        rng: &mut StdRng,
        customers: &[(i64, Option<i64>)],
    ) -> Result<()> {
        if self.catalogue.0.is_empty() {
            return Ok(());
        }
        let mut orders = Vec::with_capacity(ORDER_CHUNK);
        let mut lines = Vec::with_capacity(LINE_CHUNK);
        // Customer → product → orders holding it: the batch's customer products, known
        // here without reading the orders back.
        let mut bought: BTreeMap<i64, BTreeMap<i64, i64>> = BTreeMap::new();
        for (customer_id, owner) in customers {
            for _ in 0..rng.random_range(0..=20) {
                let (day, back) = self.order_date(rng);
                let number = self.order_number(db, day.year()).await?;
                let status = match back {
                    0..7 => *["pending", "paid"].choose(rng).unwrap_or(&"pending"),
                    7..30 => *["shipped", "completed"].choose(rng).unwrap_or(&"shipped"),
                    _ if rng.random_bool(0.04) => "cancelled",
                    _ => "completed",
                };
                let id = self.next_order;
                self.next_order += 1;
                let mut total = 0;
                let order_lines = self.lines(rng);
                if status != "cancelled" {
                    self.count_products(order_lines.iter().map(|l| l.0));
                    let products: BTreeSet<i64> = order_lines.iter().map(|l| l.0).collect();
                    let mine = bought.entry(*customer_id).or_default();
                    products.into_iter().for_each(|p| *mine.entry(p).or_default() += 1);
                }
                for (pos, (product_id, name, qty, price, disc, line_total)) in order_lines.into_iter().enumerate() {
                    total += line_total;
                    lines.push(order_line::ActiveModel {
                        id: Set(self.next_line),
                        order_id: Set(id),
                        position: Set(i32::try_from(pos).unwrap_or(0) + 1),
                        product_id: Set(Some(product_id)),
                        description: Set(name),
                        quantity_milli: Set(qty),
                        unit_price_cents: Set(price),
                        discount_bp: Set(disc),
                        line_total_cents: Set(line_total),
                    });
                    self.next_line += 1;
                }
                let created = day.and_hms_opt(rng.random_range(8..20), rng.random_range(0..60), 0).unwrap_or(self.at);
                orders.push(order::ActiveModel {
                    id: Set(id),
                    number: Set(number),
                    customer_id: Set(*customer_id),
                    quote_id: Set(None),
                    owner_id: Set(*owner),
                    order_date: Set(day),
                    status: Set(status.to_owned()),
                    currency: Set("CNY".into()),
                    tax_rate_bp: Set(0),
                    tax_cents: Set(0),
                    total_cents: Set(total),
                    notes: Set(None),
                    created_at: Set(created),
                    updated_at: Set(created),
                    version: Set(1),
                });
                if orders.len() >= ORDER_CHUNK {
                    self.flush(db, &mut orders, &mut lines).await?;
                }
            }
        }
        self.flush(db, &mut orders, &mut lines).await?;
        // The aggregates that RFM reads, for this batch of new customers in one statement.
        if let (Some((lo, _)), Some((hi, _))) = (customers.first(), customers.last()) {
            db.execute_unprepared(&format!(
                "INSERT INTO customer_order_stats (customer_id, first_order_date, last_order_date, order_count, total_cents) \
                 SELECT customer_id, MIN(order_date), MAX(order_date), COUNT(*), SUM(total_cents) FROM orders \
                 WHERE status <> 'cancelled' AND customer_id BETWEEN {lo} AND {hi} GROUP BY customer_id"
            ))
            .await?;
        }
        if let (Some((lo, _)), Some((hi, _))) = (customers.first(), customers.last()) {
            crate::repo::sales_rollups::add(db, crate::repo::sales_rollups::Orders::Customers(*lo, *hi), 1).await?;
        }
        crate::repo::customer_products::add(db, &bought).await?;
        crate::repo::customer_rfm::orders_changed(db).await?;
        Ok(())
    }

    /// Co-occurrence counts of one order's products, written once at the end.
    fn count_products(&mut self, products: impl Iterator<Item = i64>) {
        let mut ps: Vec<i64> = products.collect();
        ps.sort_unstable();
        ps.dedup();
        self.counted_orders += 1;
        for (i, a) in ps.iter().enumerate() {
            *self.product_orders.entry(*a).or_default() += 1;
            for b in &ps[i + 1..] {
                *self.pairs.entry((*a, *b)).or_default() += 1;
            }
        }
    }

    async fn flush(
        &mut self,
        db: &impl ConnectionTrait,
        orders: &mut Vec<order::ActiveModel>,
        lines: &mut Vec<order_line::ActiveModel>,
    ) -> Result<()> {
        self.counts.orders += orders.len() as u64;
        self.counts.order_lines += lines.len() as u64;
        if !orders.is_empty() {
            order::Entity::insert_many(std::mem::take(orders)).exec(db).await?;
        }
        for chunk in std::mem::take(lines).chunks(LINE_CHUNK) {
            order_line::Entity::insert_many(chunk.to_vec()).exec(db).await?;
        }
        Ok(())
    }

    /// Leads, opportunities, quotes and activities over the new customers; stores the
    /// document counters. Returns what was added.
    ///
    /// # Errors
    /// Database failures.
    pub async fn finish(
        mut self,
        db: &DatabaseConnection,
        rng: &mut StdRng,
        customers: Range<i64>,
    ) -> Result<SalesCounts> {
        let txn = db.begin().await?;
        for (year, n) in &self.order_numbers {
            store_counter(&txn, &format!("order:{year}"), *n).await?;
        }
        crate::repo::product_pairs::add_counts(&txn, &self.product_orders, &self.pairs, self.counted_orders).await?;
        crate::repo::customer_rfm::orders_changed(&txn).await?;
        let n = u64::try_from(customers.end - customers.start).unwrap_or(0);
        if n > 0 && !self.reps.is_empty() {
            let opp_ids = self.opportunities(&txn, rng, customers.clone(), (n / 20).max(15)).await?;
            let lead_ids = self.leads(&txn, rng, customers.clone(), (n / 10).max(20)).await?;
            self.quotes(&txn, rng, &opp_ids, (n / 50).max(10)).await?;
            self.activities(&txn, rng, customers.clone(), &lead_ids, &opp_ids, (n / 5).max(30)).await?;
            let agents = self.agents.clone();
            self.service_requests(&txn, rng, customers, &agents, (n / 3).max(30)).await?;
        }
        txn.commit().await?;
        Ok(self.counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demand_grows_and_peaks_in_the_promotion() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).expect("date");
        let old = demand(today - Duration::days(3 * 365 - 1), 3 * 365 - 1);
        let recent = demand(today - Duration::days(1), 1);
        assert!(recent > old, "{recent} > {old}");
        let promo = demand(NaiveDate::from_ymd_opt(2025, 11, 11).expect("date"), 379);
        let plain = demand(NaiveDate::from_ymd_opt(2025, 11, 20).expect("date"), 370);
        assert!(promo > 1.5 * plain);
        assert!((0..HISTORY_DAYS).all(|b| demand(today - Duration::days(b), b) < 3.2));
    }
}
