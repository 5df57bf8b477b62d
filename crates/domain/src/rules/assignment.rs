//! Who gets a new lead: pure choices over the active sales reps.

use std::collections::HashMap;

/// How new leads without an owner are assigned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// In turn, by user id: N leads over K reps differ by at most one.
    RoundRobin,
    /// To the rep with the fewest open leads (ties to the lowest user id).
    LeastOpen,
}

impl Rule {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::RoundRobin => "round_robin",
            Rule::LeastOpen => "least_open",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "round_robin" => Some(Rule::RoundRobin),
            "least_open" => Some(Rule::LeastOpen),
            _ => None,
        }
    }
}

/// The `turn`-th rep (1-based turns) in id order.
pub fn round_robin(reps: &[i64], turn: i64) -> Option<i64> {
    if reps.is_empty() {
        return None;
    }
    let k = i64::try_from(reps.len()).ok()?;
    let i = usize::try_from((turn - 1).rem_euclid(k)).ok()?;
    reps.get(i).copied()
}

/// The rep with the fewest open leads; ties go to the lowest id.
pub fn least_open(reps: &[i64], open: &HashMap<i64, i64>) -> Option<i64> {
    reps.iter().copied().min_by_key(|r| (open.get(r).copied().unwrap_or(0), *r))
}

/// The agent with the fewest open requests; ties go to the one idle longest (oldest
/// last assignment, never assigned first), then to the lowest id.
pub fn least_busy<T: Ord + Copy>(
    agents: &[i64],
    open: &HashMap<i64, i64>,
    last_assigned: &HashMap<i64, T>,
) -> Option<i64> {
    agents.iter().copied().min_by_key(|a| (open.get(a).copied().unwrap_or(0), last_assigned.get(a).copied(), *a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_robin_cycles_through_reps_in_order() {
        let reps = [3, 5, 9];
        let picks: Vec<i64> = (1..=7).filter_map(|t| round_robin(&reps, t)).collect();
        assert_eq!(picks, vec![3, 5, 9, 3, 5, 9, 3]);
        assert_eq!(round_robin(&[], 1), None);
    }

    #[test]
    fn least_busy_breaks_ties_by_longest_idle() {
        let open = HashMap::from([(1, 2), (2, 1), (3, 1), (4, 1)]);
        let last = HashMap::from([(2, 50), (3, 20), (4, 30)]);
        assert_eq!(least_busy(&[1, 2, 3, 4], &open, &last), Some(3));
        assert_eq!(
            least_busy(&[2, 3, 5], &HashMap::from([(5, 1)]), &last),
            Some(3),
            "no open requests, then idle longest"
        );
        assert_eq!(least_busy(&[7, 6], &HashMap::new(), &HashMap::<i64, i32>::new()), Some(6));
        let never = HashMap::from([(8, 10)]);
        assert_eq!(least_busy(&[8, 9], &HashMap::new(), &never), Some(9), "never assigned is idle longest");
    }

    #[test]
    fn least_open_prefers_the_idlest_then_the_lowest_id() {
        let open = HashMap::from([(3, 4), (5, 1), (9, 1)]);
        assert_eq!(least_open(&[3, 5, 9], &open), Some(5));
        assert_eq!(least_open(&[3, 7], &open), Some(7), "a rep with no open leads counts zero");
    }
}
