//! One clock for the domain, at the precision all three databases keep.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

/// Now in UTC, truncated to microseconds (what PostgreSQL and MySQL `DATETIME(6)` store),
/// so that a value read back compares equal to the value written.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// A stored (naive, UTC) timestamp as an aware UTC time for the outside world.
pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// Today's date in UTC.
pub fn today() -> chrono::NaiveDate {
    Utc::now().date_naive()
}
