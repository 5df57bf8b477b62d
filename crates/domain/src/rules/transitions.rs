//! The state machines of Rapport as tables: from a state, which states may follow.

use crate::error::DomainError;

/// A transition table: each state with the states that may follow it.
pub type Table = &'static [(&'static str, &'static [&'static str])];

/// Lead statuses. `converted` is reached only through conversion.
pub const LEAD: Table = &[
    ("new", &["contacted", "qualified", "disqualified"]),
    ("contacted", &["qualified", "disqualified"]),
    ("qualified", &["contacted", "disqualified", "converted"]),
    ("disqualified", &["new"]),
    ("converted", &[]),
];

/// Opportunity stages: open stages move freely among themselves and close as won or
/// lost; a lost opportunity may be reopened; won is final.
pub const OPPORTUNITY: Table = &[
    ("prospecting", &["qualification", "proposal", "negotiation", "won", "lost"]),
    ("qualification", &["prospecting", "proposal", "negotiation", "won", "lost"]),
    ("proposal", &["prospecting", "qualification", "negotiation", "won", "lost"]),
    ("negotiation", &["prospecting", "qualification", "proposal", "won", "lost"]),
    ("won", &[]),
    ("lost", &["prospecting"]),
];

/// Quote statuses (`expired` is derived from `valid_until`, see the quote service).
pub const QUOTE: Table = &[
    ("draft", &["sent", "rejected"]),
    ("sent", &["accepted", "rejected"]),
    ("accepted", &[]),
    ("rejected", &[]),
    ("expired", &[]),
];

/// Order statuses: cancelling keeps the record.
pub const ORDER: Table = &[
    ("pending", &["paid", "cancelled"]),
    ("paid", &["shipped", "cancelled"]),
    ("shipped", &["completed"]),
    ("completed", &[]),
    ("cancelled", &[]),
];

/// Service request statuses: assigning moves an open request on; resolved and
/// closed requests may be reopened into progress.
pub const SERVICE: Table = &[
    ("open", &["assigned"]),
    ("assigned", &["in_progress", "resolved"]),
    ("in_progress", &["resolved"]),
    ("resolved", &["closed", "in_progress"]),
    ("closed", &["in_progress"]),
];

/// Campaign statuses: a draft is scheduled or launched; a scheduled campaign launches
/// at its start time (or by hand) or goes back to draft; running campaigns complete when
/// every message is delivered (or their end time passes); anything not finished may be
/// cancelled.
pub const CAMPAIGN: Table = &[
    ("draft", &["scheduled", "running", "cancelled"]),
    ("scheduled", &["draft", "running", "cancelled"]),
    ("running", &["completed", "cancelled"]),
    ("completed", &[]),
    ("cancelled", &[]),
];

/// Every state of a table.
pub fn states(table: Table) -> Vec<&'static str> {
    table.iter().map(|(s, _)| *s).collect()
}

/// Whether `s` is a state of `table`.
pub fn is_state(table: Table, s: &str) -> bool {
    table.iter().any(|(x, _)| *x == s)
}

/// The states that may follow `from`.
pub fn next(table: Table, from: &str) -> &'static [&'static str] {
    table.iter().find(|(s, _)| *s == from).map_or(&[], |(_, n)| n)
}

/// Checks one move.
///
/// # Errors
/// `InvalidTransition` naming the allowed moves.
pub fn check(table: Table, from: &str, to: &str) -> Result<(), DomainError> {
    if next(table, from).contains(&to) {
        Ok(())
    } else {
        Err(DomainError::InvalidTransition {
            from: from.to_owned(),
            to: to.to_owned(),
            allowed: next(table, from).to_vec(),
        })
    }
}

/// The probability an opportunity gets when it enters a stage (percent).
pub fn default_probability(stage: &str) -> i16 {
    match stage {
        "prospecting" => 10,
        "qualification" => 20,
        "proposal" => 50,
        "negotiation" => 70,
        "won" => 100,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_is_a_state_of_its_table() {
        for table in [LEAD, OPPORTUNITY, QUOTE, ORDER, SERVICE] {
            for (_, targets) in table {
                for t in *targets {
                    assert!(is_state(table, t), "{t}");
                }
            }
        }
    }

    #[test]
    fn illegal_moves_name_the_allowed_ones() {
        let Err(DomainError::InvalidTransition { allowed, .. }) = check(ORDER, "shipped", "paid") else {
            panic!("expected InvalidTransition")
        };
        assert_eq!(allowed, vec!["completed"]);
        assert!(check(LEAD, "new", "qualified").is_ok());
        assert!(check(LEAD, "converted", "new").is_err());
        assert!(check(OPPORTUNITY, "won", "lost").is_err());
    }

    #[test]
    fn probabilities_follow_the_stage() {
        let p: Vec<i16> = states(OPPORTUNITY).into_iter().map(default_probability).collect();
        assert_eq!(p, vec![10, 20, 50, 70, 100, 0]);
    }
}
