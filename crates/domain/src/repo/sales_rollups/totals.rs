//! Rollup groups summed in memory, for a writer that holds the orders it adds: the
//! historical import. The groups are those of [`super::select`] (the tests compare the
//! two); they are written with a few multi-row upserts per table at the end, instead
//! of a grouped `INSERT … SELECT` per table and chunk of orders, whose joins cost more
//! than the orders' own inserts on PostgreSQL.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, Value};

use super::{By, ROLLUPS, Rollup, STATUS, first_of_month};
use crate::repo::batch::max_params;

/// An order line as the rollups see it.
#[derive(Clone, Copy, Debug)]
pub struct Line {
    pub product_id: Option<i64>,
    pub quantity_milli: i64,
    pub total_cents: i64,
}

/// An order as the rollups see it; `city` is its customer's.
#[derive(Clone, Copy, Debug)]
pub struct Order<'a> {
    pub date: NaiveDate,
    pub owner_id: Option<i64>,
    pub status: &'a str,
    pub city: Option<&'a str>,
    pub total_cents: i64,
    pub lines: &'a [Line],
}

/// What a group is keyed by besides its period and owner.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Part {
    None,
    Id(i64),
    Text(String),
}

/// (rollup, period: the day, or the first of the month; owner (0: none); part)
type Key = (usize, NaiveDate, i64, Part);

/// Revenue cents, quantity milli (products only), orders.
type Sums = [i64; 3];

fn rollups() -> impl Iterator<Item = (usize, &'static Rollup)> {
    ROLLUPS.iter().chain([&STATUS]).enumerate()
}

/// The groups of the orders added so far.
#[derive(Debug, Default)]
pub struct Totals {
    groups: HashMap<Key, Sums>,
}

impl Totals {
    /// Adds an order (nothing if it is cancelled, as in the rollups).
    pub fn add(&mut self, o: &Order<'_>) {
        if o.status == "cancelled" {
            return;
        }
        let owner = o.owner_id.unwrap_or(0);
        for (i, r) in rollups() {
            let period = if r.daily { o.date } else { first_of_month(o.date) };
            let mut add = |part: Part, sums: Sums| {
                let g = self.groups.entry((i, period, owner, part)).or_default();
                for (a, b) in g.iter_mut().zip(sums) {
                    *a += b;
                }
            };
            match r.by {
                By::Total => add(Part::None, [o.total_cents, 0, 1]),
                By::City => add(Part::Text(o.city.unwrap_or_default().to_owned()), [o.total_cents, 0, 1]),
                By::Status => add(Part::Text(o.status.to_owned()), [o.total_cents, 0, 1]),
                By::Product => {
                    let mut per: Vec<(i64, i64, i64)> =
                        o.lines.iter().filter_map(|l| Some((l.product_id?, l.total_cents, l.quantity_milli))).collect();
                    per.sort_unstable_by_key(|p| p.0);
                    // One order per product, however many of its lines hold it.
                    for chunk in per.chunk_by(|a, b| a.0 == b.0) {
                        let (cents, milli) = chunk.iter().fold((0, 0), |(c, m), p| (c + p.1, m + p.2));
                        add(Part::Id(chunk[0].0), [cents, milli, 1]);
                    }
                }
            }
        }
    }

    /// Adds the groups to the rollup tables: rows in key order (so that concurrent
    /// writers lock alike), as many per statement as the bound-value limit allows.
    ///
    /// # Errors
    /// Database failures.
    pub async fn write(self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        let backend = db.get_database_backend();
        let mut groups: Vec<(Key, Sums)> = self.groups.into_iter().collect();
        groups.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (i, r) in rollups() {
            let rows: Vec<&(Key, Sums)> = groups.iter().filter(|g| g.0.0 == i).collect();
            let width = r.keys().len() + r.sums().len();
            for chunk in rows.chunks(max_params(backend) / width) {
                db.execute_raw(upsert(r, backend, chunk)).await?;
            }
        }
        Ok(())
    }
}

fn upsert(r: &Rollup, backend: DbBackend, rows: &[&(Key, Sums)]) -> Statement {
    let keys = r.keys();
    let sums = r.sums();
    let mut values: Vec<Value> = Vec::with_capacity(rows.len() * (keys.len() + sums.len()));
    let mut tuples = Vec::with_capacity(rows.len());
    for ((_, period, owner, part), s) in rows.iter().map(|g| (&g.0, &g.1)) {
        let start = values.len();
        values.push(if r.daily {
            Value::from(*period)
        } else {
            Value::from(format!("{:04}-{:02}", period.year(), period.month()))
        });
        values.push(Value::from(*owner));
        match part {
            Part::None => {}
            Part::Id(id) => values.push(Value::from(*id)),
            Part::Text(t) => values.push(Value::from(t.clone())),
        }
        values.push(Value::from(s[0]));
        if r.by == By::Product {
            values.push(Value::from(s[1]));
        }
        values.push(Value::from(s[2]));
        let marks: Vec<String> = (start + 1..=values.len())
            .map(|n| if backend == DbBackend::Postgres { format!("${n}") } else { "?".to_owned() })
            .collect();
        tuples.push(format!("({})", marks.join(", ")));
    }
    let t = r.table;
    let cols: Vec<&str> = keys.iter().copied().chain(sums.iter().copied()).collect();
    let head = format!("INSERT INTO {t} ({}) VALUES {}", cols.join(", "), tuples.join(", "));
    let sql = match backend {
        DbBackend::MySql => {
            let set: Vec<String> = sums.iter().map(|c| format!("{c} = {t}.{c} + VALUES({c})")).collect();
            format!("{head} ON DUPLICATE KEY UPDATE {}", set.join(", "))
        }
        _ => {
            let set: Vec<String> = sums.iter().map(|c| format!("{c} = {t}.{c} + excluded.{c}")).collect();
            format!("{head} ON CONFLICT ({}) DO UPDATE SET {}", keys.join(", "), set.join(", "))
        }
    };
    Statement::from_sql_and_values(backend, sql, values)
}
