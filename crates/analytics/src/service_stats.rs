//! Service statistics: counts, response and resolution times, CSAT, grouped by agent,
//! priority and month. Callers pass one plain row per request.

use std::collections::BTreeMap;

use serde::Serialize;

/// One service request, reduced to what the statistics need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestFacts {
    /// The assigned agent, if any.
    pub agent: Option<i64>,
    /// `low`, `normal`, `high` or `urgent`.
    pub priority: String,
    /// The month it was requested, `YYYY-MM`.
    pub month: String,
    /// Still being worked on (not resolved or closed).
    pub open: bool,
    /// Open and past its due time.
    pub overdue: bool,
    /// Seconds from request to first response, once responded.
    pub first_response_secs: Option<i64>,
    /// Seconds from request to resolution, once resolved.
    pub resolution_secs: Option<i64>,
    /// Satisfaction rating 1–5, once rated.
    pub rating: Option<u8>,
}

/// Figures for one group of requests.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Requests in the group.
    pub requests: u64,
    /// Of which still open.
    pub open: u64,
    /// Of which open and overdue.
    pub overdue: u64,
    /// Of which resolved (or closed).
    pub resolved: u64,
    /// Mean seconds to first response (`None` without responses).
    pub avg_first_response_secs: Option<f64>,
    /// Mean seconds to resolution (`None` without resolutions).
    pub avg_resolution_secs: Option<f64>,
    /// Mean rating (`None` without ratings).
    pub csat_avg: Option<f64>,
    /// Ratings given.
    pub ratings: u64,
    /// How many ratings of 1, 2, 3, 4 and 5.
    pub distribution: [u64; 5],
}

#[derive(Default)]
struct Acc {
    f: Figures,
    response_sum: i128,
    responses: u64,
    resolution_sum: i128,
    rating_sum: u64,
}

impl Acc {
    fn add(&mut self, r: &RequestFacts) {
        self.f.requests += 1;
        self.f.open += u64::from(r.open);
        self.f.overdue += u64::from(r.overdue);
        if let Some(s) = r.first_response_secs {
            self.response_sum += i128::from(s);
            self.responses += 1;
        }
        if let Some(s) = r.resolution_secs {
            self.resolution_sum += i128::from(s);
            self.f.resolved += 1;
        }
        if let Some(v @ 1..=5) = r.rating {
            self.rating_sum += u64::from(v);
            self.f.ratings += 1;
            self.f.distribution[usize::from(v - 1)] += 1;
        }
    }

    fn finish(mut self) -> Figures {
        let mean = |sum: f64, n: u64| (n > 0).then(|| sum / n as f64);
        self.f.avg_first_response_secs = mean(self.response_sum as f64, self.responses);
        self.f.avg_resolution_secs = mean(self.resolution_sum as f64, self.f.resolved);
        self.f.csat_avg = mean(self.rating_sum as f64, self.f.ratings);
        self.f
    }
}

/// The statistics of a set of requests.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ServiceStats {
    /// All requests together.
    pub total: Figures,
    /// Per agent (unassigned requests under `None`), by agent id.
    pub by_agent: Vec<(Option<i64>, Figures)>,
    /// Per priority, in the order low, normal, high, urgent (present ones only).
    pub by_priority: Vec<(String, Figures)>,
    /// Per month, oldest first.
    pub by_month: Vec<(String, Figures)>,
}

/// Computes every figure in one pass.
pub fn compute(rows: &[RequestFacts]) -> ServiceStats {
    let mut total = Acc::default();
    let mut agents: BTreeMap<Option<i64>, Acc> = BTreeMap::new();
    let mut priorities: BTreeMap<String, Acc> = BTreeMap::new();
    let mut months: BTreeMap<String, Acc> = BTreeMap::new();
    for r in rows {
        total.add(r);
        agents.entry(r.agent).or_default().add(r);
        priorities.entry(r.priority.clone()).or_default().add(r);
        months.entry(r.month.clone()).or_default().add(r);
    }
    let order = ["low", "normal", "high", "urgent"];
    let mut by_priority: Vec<(String, Figures)> = priorities.into_iter().map(|(k, a)| (k, a.finish())).collect();
    by_priority.sort_by_key(|(k, _)| order.iter().position(|o| o == k).unwrap_or(order.len()));
    ServiceStats {
        total: total.finish(),
        by_agent: agents.into_iter().map(|(k, a)| (k, a.finish())).collect(),
        by_priority,
        by_month: months.into_iter().map(|(k, a)| (k, a.finish())).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        agent: Option<i64>,
        priority: &str,
        month: &str,
        resp: Option<i64>,
        res: Option<i64>,
        rating: Option<u8>,
    ) -> RequestFacts {
        RequestFacts {
            agent,
            priority: priority.into(),
            month: month.into(),
            open: res.is_none(),
            overdue: false,
            first_response_secs: resp,
            resolution_secs: res,
            rating,
        }
    }

    #[test]
    fn figures_match_a_hand_computed_fixture() {
        let rows = vec![
            row(Some(1), "high", "2026-01", Some(600), Some(3600), Some(5)),
            row(Some(1), "low", "2026-01", Some(1200), Some(7200), Some(3)),
            row(Some(2), "high", "2026-02", Some(300), None, None),
            RequestFacts { overdue: true, ..row(None, "urgent", "2026-02", None, None, None) },
        ];
        let s = compute(&rows);
        assert_eq!(s.total.requests, 4);
        assert_eq!((s.total.open, s.total.overdue, s.total.resolved), (2, 1, 2));
        assert_eq!(s.total.avg_first_response_secs, Some(700.0));
        assert_eq!(s.total.avg_resolution_secs, Some(5400.0));
        assert_eq!(s.total.csat_avg, Some(4.0));
        assert_eq!(s.total.distribution, [0, 0, 1, 0, 1]);
        let agents: Vec<Option<i64>> = s.by_agent.iter().map(|(a, _)| *a).collect();
        assert_eq!(agents, vec![None, Some(1), Some(2)]);
        assert_eq!(s.by_agent[1].1.csat_avg, Some(4.0));
        let prios: Vec<&str> = s.by_priority.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(prios, vec!["low", "high", "urgent"]);
        assert_eq!(s.by_priority[1].1.requests, 2);
        assert_eq!(s.by_month[0].0, "2026-01");
        assert_eq!(s.by_month[1].1.open, 2);
    }

    #[test]
    fn empty_input_gives_no_averages() {
        let s = compute(&[]);
        assert_eq!(s.total, Figures::default());
        assert!(s.by_month.is_empty());
    }
}
