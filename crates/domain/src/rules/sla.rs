//! Service-level targets: when a request is due, and how it stands against that.

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// Priorities, most relaxed first.
pub const PRIORITIES: &[&str] = &["low", "normal", "high", "urgent"];

/// Hours to resolve a request, per priority.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaHours {
    pub low: u32,
    pub normal: u32,
    pub high: u32,
    pub urgent: u32,
}

impl Default for SlaHours {
    fn default() -> Self {
        Self { low: 72, normal: 24, high: 8, urgent: 4 }
    }
}

impl SlaHours {
    /// The hours for a priority (`normal` for anything unknown).
    pub fn for_priority(&self, priority: &str) -> u32 {
        match priority {
            "low" => self.low,
            "high" => self.high,
            "urgent" => self.urgent,
            _ => self.normal,
        }
    }

    /// Every value between 1 hour and one year.
    pub fn is_valid(&self) -> bool {
        [self.low, self.normal, self.high, self.urgent].iter().all(|h| (1..=8760).contains(h))
    }
}

/// When a request received at `requested` with `priority` is due.
pub fn due_at(requested: NaiveDateTime, priority: &str, hours: &SlaHours) -> NaiveDateTime {
    requested + Duration::hours(i64::from(hours.for_priority(priority)))
}

/// How a request stands against its due time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SlaStatus {
    /// Seconds until due (negative once breached). For resolved requests: the margin
    /// they were resolved with.
    pub seconds_left: i64,
    /// Whether the due time passed before resolution (or has passed, while open).
    pub breached: bool,
}

/// The SLA status at `now` of a request due at `due`, resolved at `resolved` (if it is).
pub fn status(due: NaiveDateTime, resolved: Option<NaiveDateTime>, now: NaiveDateTime) -> SlaStatus {
    let until = resolved.unwrap_or(now);
    let seconds_left = (due - until).num_seconds();
    SlaStatus { seconds_left, breached: seconds_left < 0 }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn t(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 25).and_then(|d| d.and_hms_opt(h, m, 0)).expect("time")
    }

    #[test]
    fn due_times_follow_the_priority() {
        let hours = SlaHours::default();
        assert_eq!(due_at(t(8, 0), "urgent", &hours), t(12, 0));
        assert_eq!(due_at(t(8, 0), "high", &hours), t(16, 0));
        assert_eq!(due_at(t(8, 0), "normal", &hours), t(8, 0) + Duration::hours(24));
        assert_eq!(due_at(t(8, 0), "low", &hours), t(8, 0) + Duration::hours(72));
    }

    #[test]
    fn open_requests_count_down_and_breach() {
        assert_eq!(status(t(12, 0), None, t(11, 30)), SlaStatus { seconds_left: 1800, breached: false });
        assert_eq!(status(t(12, 0), None, t(12, 1)), SlaStatus { seconds_left: -60, breached: true });
    }

    #[test]
    fn resolved_requests_keep_their_margin() {
        let s = status(t(12, 0), Some(t(10, 0)), t(23, 0));
        assert_eq!(s, SlaStatus { seconds_left: 7200, breached: false });
        assert!(status(t(12, 0), Some(t(13, 0)), t(23, 0)).breached);
    }

    #[test]
    fn hours_must_be_sensible() {
        assert!(SlaHours::default().is_valid());
        assert!(!SlaHours { urgent: 0, ..SlaHours::default() }.is_valid());
    }
}
