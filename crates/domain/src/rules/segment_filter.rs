//! A marketing segment's filter: which customers it holds. Every condition is
//! optional and they combine with AND; the database evaluates them (see
//! `repo::segments::condition`). Stored as JSON in the segment row.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::to_cents;
use crate::rules::validate::Problems;

/// The conditions of a segment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentFilter {
    /// Exact city.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Has every one of these tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Owned by this user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<i64>,
    /// Exact source (e.g. `web`, `lead`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Birthday in this month (1–12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday_month: Option<i16>,
    /// Created at or after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_from: Option<DateTime<Utc>>,
    /// Created before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_to: Option<DateTime<Utc>>,
    /// In this RFM segment (today's scores), e.g. `champions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rfm_segment: Option<String>,
    /// RFM R score (1–5, today's scores) at least.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r_score_min: Option<u8>,
    /// RFM R score (1–5, today's scores) at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r_score_max: Option<u8>,
    /// RFM F score (1–5, today's scores) at least.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub f_score_min: Option<u8>,
    /// RFM F score (1–5, today's scores) at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub f_score_max: Option<u8>,
    /// RFM M score (1–5, today's scores) at least.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub m_score_min: Option<u8>,
    /// RFM M score (1–5, today's scores) at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub m_score_max: Option<u8>,
    /// Bought this product (in an order that is not cancelled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bought_product_id: Option<i64>,
    /// Bought a product of this category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bought_category: Option<String>,
    /// Spent at least this much in total (orders not cancelled).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "rust_decimal::serde::str_option")]
    pub total_spend_min: Option<Decimal>,
    /// Spent at most this much in total (customers who never ordered have spent 0).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "rust_decimal::serde::str_option")]
    pub total_spend_max: Option<Decimal>,
    /// At least this many orders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_count_min: Option<i64>,
    /// At most this many orders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_count_max: Option<i64>,
    /// Last order on or after this date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_order_from: Option<NaiveDate>,
    /// Last order before this date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_order_to: Option<NaiveDate>,
    /// Has (true) or has not (false) a service request that is not resolved or closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_open_service_request: Option<bool>,
}

/// The filter with money in cents, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckedFilter {
    pub filter: SegmentFilter,
    pub spend_min_cents: Option<i64>,
    pub spend_max_cents: Option<i64>,
}

fn cents(p: &mut Problems, field: &str, v: Option<Decimal>) -> Option<i64> {
    let v = v?;
    match to_cents(v) {
        Some(c) if c >= 0 => Some(c),
        _ => {
            p.add(field, "must be a non-negative amount with at most two decimal places");
            None
        }
    }
}

fn range<T: PartialOrd>(p: &mut Problems, field: &str, min: Option<&T>, max: Option<&T>) {
    if let (Some(a), Some(b)) = (min, max)
        && a > b
    {
        p.add(field, "the lower bound is above the upper bound");
    }
}

/// Checks a filter's values (the segment keys are checked by the caller, which knows them).
///
/// # Errors
/// `Invalid` naming each bad field.
pub fn check(f: SegmentFilter) -> crate::Result<CheckedFilter> {
    let mut p = Problems::default();
    let trimmed = |s: &Option<String>| s.as_ref().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let mut f = SegmentFilter {
        city: trimmed(&f.city),
        source: trimmed(&f.source),
        bought_category: trimmed(&f.bought_category),
        rfm_segment: trimmed(&f.rfm_segment),
        tags: f.tags.iter().map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty()).collect(),
        ..f
    };
    f.tags.sort();
    f.tags.dedup();
    if f.tags.len() > 20 {
        p.add("tags", "at most 20 tags");
    }
    if f.tags.iter().any(|t| t.chars().count() > 50) {
        p.add("tags", "each tag must have 1 to 50 characters");
    }
    for (field, v) in [("city", &f.city), ("source", &f.source), ("bought_category", &f.bought_category)] {
        if v.as_ref().is_some_and(|s| s.chars().count() > 100) {
            p.add(field, "at most 100 characters");
        }
    }
    for (field, v) in [
        ("r_score_min", f.r_score_min),
        ("r_score_max", f.r_score_max),
        ("f_score_min", f.f_score_min),
        ("f_score_max", f.f_score_max),
        ("m_score_min", f.m_score_min),
        ("m_score_max", f.m_score_max),
    ] {
        if v.is_some_and(|n| !(1..=5).contains(&n)) {
            p.add(field, "must be 1–5");
        }
    }
    range(&mut p, "r_score_max", f.r_score_min.as_ref(), f.r_score_max.as_ref());
    range(&mut p, "f_score_max", f.f_score_min.as_ref(), f.f_score_max.as_ref());
    range(&mut p, "m_score_max", f.m_score_min.as_ref(), f.m_score_max.as_ref());
    if f.birthday_month.is_some_and(|m| !(1..=12).contains(&m)) {
        p.add("birthday_month", "must be 1–12");
    }
    for (field, v) in [("order_count_min", f.order_count_min), ("order_count_max", f.order_count_max)] {
        if v.is_some_and(|n| n < 0) {
            p.add(field, "must not be negative");
        }
    }
    let spend_min_cents = cents(&mut p, "total_spend_min", f.total_spend_min);
    let spend_max_cents = cents(&mut p, "total_spend_max", f.total_spend_max);
    range(&mut p, "total_spend_max", spend_min_cents.as_ref(), spend_max_cents.as_ref());
    range(&mut p, "order_count_max", f.order_count_min.as_ref(), f.order_count_max.as_ref());
    range(&mut p, "last_order_to", f.last_order_from.as_ref(), f.last_order_to.as_ref());
    range(&mut p, "created_to", f.created_from.as_ref(), f.created_to.as_ref());
    p.finish()?;
    Ok(CheckedFilter { filter: f, spend_min_cents, spend_max_cents })
}

impl SegmentFilter {
    /// Whether the filter needs today's RFM scores.
    pub fn uses_rfm(&self) -> bool {
        self.rfm_segment.is_some()
            || [
                self.r_score_min,
                self.r_score_max,
                self.f_score_min,
                self.f_score_max,
                self.m_score_min,
                self.m_score_max,
            ]
            .iter()
            .any(Option::is_some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_trimmed_and_tags_normalised() {
        let c = check(SegmentFilter {
            city: Some("  Shenzhen ".into()),
            source: Some("  ".into()),
            tags: vec!["VIP".into(), "vip".into(), " b2b".into()],
            total_spend_min: Some("10.5".parse().unwrap()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.filter.city.as_deref(), Some("Shenzhen"));
        assert_eq!(c.filter.source, None);
        assert_eq!(c.filter.tags, vec!["b2b".to_owned(), "vip".to_owned()]);
        assert_eq!(c.spend_min_cents, Some(1050));
    }

    #[test]
    fn bad_values_name_their_fields() {
        let e = check(SegmentFilter {
            birthday_month: Some(13),
            total_spend_min: Some("100".parse().unwrap()),
            total_spend_max: Some("5.001".parse().unwrap()),
            order_count_min: Some(5),
            order_count_max: Some(2),
            tags: vec!["x".repeat(51)],
            ..Default::default()
        })
        .unwrap_err();
        let crate::DomainError::Invalid(fields) = e else { panic!("{e:?}") };
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["tags", "birthday_month", "total_spend_max", "order_count_max"]);
    }

    #[test]
    fn unknown_fields_are_refused_when_read() {
        let e = serde_json::from_str::<SegmentFilter>(r#"{"cty": "x"}"#).unwrap_err();
        assert!(e.to_string().contains("unknown field `cty`"), "{e}");
    }
}
