//! Money is `Decimal` in the domain and integer minor units (cents) in the database,
//! because sea-orm's decimal column is a float on SQLite and loses digits there.

use rust_decimal::Decimal;

/// The largest amount a `decimal(10,2)` price may hold, in cents.
pub const MAX_PRICE_CENTS: i64 = 9_999_999_999;

/// Cents to a two-place decimal.
pub fn from_cents(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

/// A decimal with at most two places to cents; `None` if it has more places or overflows.
pub fn to_cents(amount: Decimal) -> Option<i64> {
    if amount.normalize().scale() > 2 {
        return None;
    }
    let cents = amount.checked_mul(Decimal::ONE_HUNDRED)?;
    i64::try_from(cents.trunc()).ok()
}

/// A quantity with at most three places to thousandths (quantities are stored as integers).
pub fn to_milli(q: Decimal) -> Option<i64> {
    if q.normalize().scale() > 3 {
        return None;
    }
    i64::try_from(q.checked_mul(Decimal::ONE_THOUSAND)?.trunc()).ok()
}

/// Thousandths back to a quantity.
pub fn from_milli(milli: i64) -> Decimal {
    Decimal::new(milli, 3).normalize()
}

/// A percentage with at most two places to basis points (hundredths of a percent).
pub fn to_bp(pct: Decimal) -> Option<i32> {
    if pct.normalize().scale() > 2 {
        return None;
    }
    i32::try_from(pct.checked_mul(Decimal::ONE_HUNDRED)?.trunc()).ok()
}

/// Basis points back to a percentage.
pub fn from_bp(bp: i32) -> Decimal {
    Decimal::new(i64::from(bp), 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn cents_round_trip_keeps_every_digit() {
        let d = Decimal::from_str("12345678901234.56").expect("decimal");
        let cents = to_cents(d).expect("fits");
        assert_eq!(cents, 1_234_567_890_123_456);
        assert_eq!(from_cents(cents).to_string(), "12345678901234.56");
    }

    #[test]
    fn more_than_two_places_is_refused() {
        assert_eq!(to_cents(Decimal::from_str("1.005").expect("decimal")), None);
        assert_eq!(to_cents(Decimal::from_str("1.500").expect("decimal")), Some(150));
    }

    #[test]
    fn quantities_and_percentages_round_trip() {
        let q = Decimal::from_str("2.125").expect("decimal");
        assert_eq!(from_milli(to_milli(q).expect("fits")), q);
        assert_eq!(to_milli(Decimal::from_str("0.0001").expect("decimal")), None);
        assert_eq!(to_bp(Decimal::from_str("12.5").expect("decimal")), Some(1250));
        assert_eq!(from_bp(1250).to_string(), "12.50");
    }

    #[test]
    fn whole_amounts_print_with_two_places() {
        assert_eq!(from_cents(129_900).to_string(), "1299.00");
    }
}
