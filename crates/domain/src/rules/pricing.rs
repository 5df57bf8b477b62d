//! Quote and order arithmetic. Every amount is rounded half-even (banker's
//! rounding) to two places at a fixed point, so that the same lines always give
//! the same totals on every database and in every client:
//!
//! - line gross    = round(quantity × unit price)
//! - line discount = round(line gross × discount % / 100)
//! - line total    = line gross − line discount
//! - subtotal = Σ gross, discount total = Σ discount, net = subtotal − discount total
//! - tax total = round(net × tax rate % / 100), total = net + tax total

use rust_decimal::{Decimal, RoundingStrategy};

/// Half-even to cents.
pub fn round(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven)
}

/// One line as the client describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub discount_pct: Decimal,
}

/// One line's amounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineAmounts {
    pub gross: Decimal,
    pub discount: Decimal,
    pub total: Decimal,
}

/// A document's totals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Totals {
    pub subtotal: Decimal,
    pub discount_total: Decimal,
    pub tax_total: Decimal,
    pub total: Decimal,
}

/// The amounts of one line.
pub fn line(l: Line) -> LineAmounts {
    let gross = round(l.quantity * l.unit_price);
    let discount = round(gross * l.discount_pct / Decimal::ONE_HUNDRED);
    LineAmounts { gross, discount, total: gross - discount }
}

/// The totals of a document from its lines and tax rate (in percent).
pub fn totals(lines: &[LineAmounts], tax_rate_pct: Decimal) -> Totals {
    let subtotal: Decimal = lines.iter().map(|l| l.gross).sum();
    let discount_total: Decimal = lines.iter().map(|l| l.discount).sum();
    let net = subtotal - discount_total;
    let tax_total = round(net * tax_rate_pct / Decimal::ONE_HUNDRED);
    Totals { subtotal, discount_total, tax_total, total: net + tax_total }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    #[test]
    fn halves_round_to_even() {
        assert_eq!(round(d("0.125")), d("0.12"));
        assert_eq!(round(d("0.135")), d("0.14"));
        assert_eq!(round(d("-0.125")), d("-0.12"));
    }

    #[test]
    fn awkward_line_rounds_at_each_step() {
        // 3 × 0.335 = 1.005 → 1.00 (half-even); 12.5 % of 1.00 = 0.125 → 0.12.
        let a = line(Line { quantity: d("3"), unit_price: d("0.335"), discount_pct: d("12.5") });
        assert_eq!(a, LineAmounts { gross: d("1.00"), discount: d("0.12"), total: d("0.88") });
    }

    #[test]
    fn totals_add_lines_then_tax_the_net() {
        let lines = [
            line(Line { quantity: d("1.5"), unit_price: d("19.99"), discount_pct: d("0") }),
            line(Line { quantity: d("7"), unit_price: d("0.07"), discount_pct: d("33.33") }),
        ];
        // 29.985 → 29.98; 0.49 with 0.163317 → 0.16 off → 0.33.
        let t = totals(&lines, d("13"));
        assert_eq!(t.subtotal, d("30.47"));
        assert_eq!(t.discount_total, d("0.16"));
        // net 30.31 × 13 % = 3.9403 → 3.94
        assert_eq!(t.tax_total, d("3.94"));
        assert_eq!(t.total, d("34.25"));
    }
}
