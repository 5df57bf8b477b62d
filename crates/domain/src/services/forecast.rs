//! The sales forecast from the company's own orders: monthly revenue (orders paid,
//! shipped or completed) with trend and month-of-year seasonality; promotion activity
//! (the number of campaigns running in the month) joins as a regressor once campaigns
//! have run in the history (zero before, so it is left out).
//!
//! Monthly revenue comes from the rollup by month and status
//! (`repo::sales_rollups::status`), kept with the orders: a forecast reads a few rows per
//! month of history, however many orders there are.

use chrono::{Datelike, NaiveDate};
use rapport_analytics::forecast::{self, ForecastError, ForecastInput};
use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;
use serde::Serialize;

use crate::error::{DomainError, FieldError, Result};
use crate::money::from_cents;
use crate::{Action, Actor};

/// One month of history.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HistoryMonth {
    /// `YYYY-MM`.
    pub period: String,
    pub revenue: Decimal,
    /// The model's value for the month.
    pub fitted: f64,
}

/// One forecast month.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ForecastMonth {
    pub period: String,
    pub revenue: f64,
    /// 95% prediction interval.
    pub pi_low: f64,
    pub pi_high: f64,
}

/// A fitted coefficient.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Coefficient {
    pub name: String,
    pub estimate: f64,
    pub std_error: f64,
}

/// The backtest of one-step-ahead forecasts over the last (up to) 12 months.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Backtest {
    pub points: usize,
    /// Mean absolute percentage error, in percent.
    pub mape: Option<f64>,
    pub rmse: f64,
}

/// The forecast.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SalesForecast {
    pub history: Vec<HistoryMonth>,
    pub forecast: Vec<ForecastMonth>,
    pub coefficients: Vec<Coefficient>,
    pub r_squared: f64,
    pub adj_r_squared: f64,
    pub residual_std_error: f64,
    pub backtest: Option<Backtest>,
}

fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn label(d: NaiveDate) -> String {
    d.format("%Y-%m").to_string()
}

fn finite(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

/// Forecasts `horizon` months after the whole months in `[from, to)` (default: from the
/// first order to the start of the current month).
///
/// # Errors
/// `Forbidden`, `Invalid` (horizon, period, too little history — saying how much is
/// needed), database failures.
pub async fn forecast(
    db: &impl ConnectionTrait,
    actor: &Actor,
    horizon: usize,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<SalesForecast> {
    forecast_with(db, actor, horizon, from, to, today, &[]).await
}

/// Campaigns running in each month: launched before the month ends and not completed
/// before it starts (a campaign still running counts until now).
async fn promotions(db: &impl ConnectionTrait, months: &[NaiveDate]) -> Result<Vec<f64>> {
    let (Some(first), Some(last)) = (months.first(), months.last()) else { return Ok(Vec::new()) };
    let end = last.checked_add_months(chrono::Months::new(1)).unwrap_or(*last);
    let at = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default();
    let running = crate::services::campaigns::running_between(db, at(*first), at(end)).await?;
    let now = crate::time::now();
    Ok(months
        .iter()
        .map(|m| {
            let (from, to) = (at(*m), at(m.checked_add_months(chrono::Months::new(1)).unwrap_or(*m)));
            let n = running.iter().filter(|(l, c)| *l < to && c.unwrap_or(now) >= from && *l <= now).count();
            n as f64
        })
        .collect())
}

/// The statuses of the orders whose revenue the forecast counts: paid for.
const COUNTED: [&str; 3] = ["paid", "shipped", "completed"];

/// Revenue (cents) by month (`YYYY-MM`) of the counted orders dated in the whole months
/// `[from, to)`; only months with such orders.
async fn revenue_by_month(
    db: &impl ConnectionTrait,
    from: Option<NaiveDate>,
    to: NaiveDate,
) -> Result<std::collections::BTreeMap<String, i64>> {
    let groups = crate::repo::sales_rollups::status::by_month_status(db, from, to, None).await?;
    let mut by_month = std::collections::BTreeMap::new();
    for ((month, status), (cents, _)) in groups {
        if COUNTED.contains(&status.as_str()) {
            *by_month.entry(month).or_insert(0) += cents;
        }
    }
    Ok(by_month)
}

/// Longest history a forecast fits (50 years of months).
pub const MAX_HISTORY_MONTHS: i64 = 600;

/// A regressor the caller supplies: a value for every history and forecast month (`YYYY-MM`).
#[derive(Clone, Debug, PartialEq)]
pub struct ExtraRegressor {
    pub name: String,
    pub values: std::collections::BTreeMap<String, f64>,
}

/// Like [`forecast`], with extra regressors (competitor prices, planned promotions, …).
///
/// # Errors
/// As [`forecast`]; `Invalid` when a regressor misses a month, repeats a name or is not finite.
pub async fn forecast_with(
    db: &impl ConnectionTrait,
    actor: &Actor,
    horizon: usize,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    today: NaiveDate,
    extra: &[ExtraRegressor],
) -> Result<SalesForecast> {
    actor.require(Action::AnalyticsRead)?;
    if !(1..=36).contains(&horizon) {
        return Err(DomainError::invalid("horizon", "must be between 1 and 36 months"));
    }
    let to = month_start(to.unwrap_or(today));
    let by_month = revenue_by_month(db, from.map(month_start), to).await?;
    let start = match (from, by_month.keys().next()) {
        (Some(f), _) => month_start(f),
        (None, Some(first)) => NaiveDate::parse_from_str(&format!("{first}-01"), "%Y-%m-%d").unwrap_or(to),
        (None, None) => to,
    };
    // A bounded history keeps the fit's cost bounded whatever dates a caller sends.
    let span = (i64::from(to.year()) - i64::from(start.year())) * 12 + i64::from(to.month()) - i64::from(start.month());
    if span > MAX_HISTORY_MONTHS {
        return Err(DomainError::invalid("from", format!("the period may span at most {MAX_HISTORY_MONTHS} months")));
    }
    // Every month from start to to, gaps as zero revenue.
    let mut months = Vec::new();
    let mut m = start;
    while m < to {
        months.push(m);
        m = m.checked_add_months(chrono::Months::new(1)).unwrap_or(to);
    }
    let cents: Vec<i64> = months.iter().map(|m| by_month.get(&label(*m)).copied().unwrap_or(0)).collect();
    let mut all_months = months.clone();
    let mut m = to;
    for _ in 0..horizon {
        all_months.push(m);
        m = m.checked_add_months(chrono::Months::new(1)).unwrap_or(m);
    }
    let mut extras = vec![("promotion".to_owned(), promotions(db, &all_months).await?)];
    let mut problems = Vec::new();
    for (i, r) in extra.iter().enumerate() {
        let field = format!("regressors[{i}]");
        let name = r.name.trim();
        if name.is_empty()
            || name.chars().count() > 50
            || extras.iter().any(|(n, _)| n == name)
            || name == "trend"
            || name.starts_with("month_")
            || name == "intercept"
        {
            problems.push(FieldError::new(
                &field,
                "needs a name of 1 to 50 characters that is not taken (trend, month_NN, intercept, promotion)",
            ));
            continue;
        }
        let missing: Vec<String> = all_months.iter().map(|m| label(*m)).filter(|p| !r.values.contains_key(p)).collect();
        if !missing.is_empty() {
            problems.push(FieldError::new(&field, format!("has no value for {}", missing.join(", "))));
            continue;
        }
        let values: Vec<f64> = all_months.iter().map(|m| r.values.get(&label(*m)).copied().unwrap_or(0.0)).collect();
        if values.iter().any(|v| !v.is_finite()) {
            problems.push(FieldError::new(&field, "values must be finite numbers"));
            continue;
        }
        extras.push((name.to_owned(), values));
    }
    if !problems.is_empty() {
        return Err(DomainError::Invalid(problems));
    }
    let input = ForecastInput {
        revenue: cents.iter().map(|c| *c as f64 / 100.0).collect(),
        first_month: start.month(),
        horizon,
        extras,
    };
    let f = forecast::forecast(&input).map_err(|e| match e {
        ForecastError::TooShort { have, need } => DomainError::Invalid(vec![FieldError::new(
            "from",
            format!("the forecast needs at least {need} months of order history; the period holds {have}"),
        )]),
        other => DomainError::invalid("regressors", other.to_string()),
    })?;
    let history = months
        .iter()
        .zip(&cents)
        .zip(&f.fitted)
        .map(|((m, c), fit)| HistoryMonth { period: label(*m), revenue: from_cents(*c), fitted: finite(*fit) })
        .collect();
    let mut next = to;
    let forecast = f
        .forecast
        .iter()
        .map(|p| {
            let period = label(next);
            next = next.checked_add_months(chrono::Months::new(1)).unwrap_or(next);
            ForecastMonth { period, revenue: finite(p.fit), pi_low: finite(p.pi_low), pi_high: finite(p.pi_high) }
        })
        .collect();
    Ok(SalesForecast {
        history,
        forecast,
        coefficients: f
            .coefficients
            .iter()
            .map(|c| Coefficient { name: c.name.clone(), estimate: finite(c.estimate), std_error: finite(c.std_error) })
            .collect(),
        r_squared: finite(f.r_squared),
        adj_r_squared: finite(f.adj_r_squared),
        residual_std_error: finite(f.residual_std_error),
        backtest: f.backtest.map(|b| Backtest { points: b.points, mape: b.mape.map(finite), rmse: finite(b.rmse) }),
    })
}
