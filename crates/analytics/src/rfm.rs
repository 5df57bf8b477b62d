//! RFM customer value: recency, frequency and monetary scores 1–5 (5 best) with
//! NTILE(5) semantics, and the 11 named segments.
//!
//! Scores follow the usual SQL convention, so that results can be checked against
//! `NTILE(5) OVER (ORDER BY …)` in DuckDB or pandas:
//! - R orders customers by recency (days since the last order) **descending**,
//!   F by frequency ascending, M by monetary ascending; ties by customer id ascending;
//! - n customers fall into 5 buckets of n / 5, the first n mod 5 buckets one larger;
//! - the bucket number (1–5) is the score.

use serde::Serialize;

/// One customer's raw values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RfmInput {
    pub customer_id: i64,
    /// Days between the last order and `as_of`.
    pub recency_days: i64,
    /// Orders in the window.
    pub frequency: i64,
    /// Sum of order totals, in cents.
    pub monetary_cents: i64,
}

/// One customer's scores and segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RfmScore {
    pub customer_id: i64,
    pub r: u8,
    pub f: u8,
    pub m: u8,
    pub segment: Segment,
}

/// The named segments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Segment {
    Champions,
    LoyalCustomers,
    PotentialLoyalists,
    NewCustomers,
    Promising,
    NeedAttention,
    AboutToSleep,
    AtRisk,
    CantLoseThem,
    Hibernating,
    Lost,
}

impl Segment {
    /// Every segment, in the order of [`SEGMENT_RULES`].
    pub const ALL: [Segment; 11] = [
        Segment::Champions,
        Segment::LoyalCustomers,
        Segment::PotentialLoyalists,
        Segment::NewCustomers,
        Segment::Promising,
        Segment::NeedAttention,
        Segment::AboutToSleep,
        Segment::AtRisk,
        Segment::CantLoseThem,
        Segment::Hibernating,
        Segment::Lost,
    ];

    /// The API name, e.g. `champions`, `cant_lose_them`.
    pub fn as_str(self) -> &'static str {
        match self {
            Segment::Champions => "champions",
            Segment::LoyalCustomers => "loyal_customers",
            Segment::PotentialLoyalists => "potential_loyalists",
            Segment::NewCustomers => "new_customers",
            Segment::Promising => "promising",
            Segment::NeedAttention => "need_attention",
            Segment::AboutToSleep => "about_to_sleep",
            Segment::AtRisk => "at_risk",
            Segment::CantLoseThem => "cant_lose_them",
            Segment::Hibernating => "hibernating",
            Segment::Lost => "lost",
        }
    }

    /// The segment with this API name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The segment rules on the R score and the FM score (FM = ⌈(F + M) / 2⌉), in order of
/// precedence: the first rule whose ranges contain (R, FM) decides. Together they
/// cover the 5 × 5 grid exactly once, so the precedence never has to break a tie.
/// Each rule is (segment, R from, R to, FM from, FM to), inclusive.
pub const SEGMENT_RULES: &[(Segment, u8, u8, u8, u8)] = &[
    (Segment::Champions, 5, 5, 4, 5),
    (Segment::Champions, 4, 4, 5, 5),
    (Segment::LoyalCustomers, 4, 4, 4, 4),
    (Segment::LoyalCustomers, 3, 3, 4, 5),
    (Segment::PotentialLoyalists, 4, 5, 2, 3),
    (Segment::NewCustomers, 5, 5, 1, 1),
    (Segment::Promising, 4, 4, 1, 1),
    (Segment::NeedAttention, 3, 3, 3, 3),
    (Segment::AboutToSleep, 3, 3, 1, 2),
    (Segment::CantLoseThem, 1, 2, 5, 5),
    (Segment::AtRisk, 1, 2, 3, 4),
    (Segment::Hibernating, 2, 2, 1, 2),
    (Segment::Lost, 1, 1, 1, 2),
];

/// The combined frequency-monetary score: ⌈(F + M) / 2⌉.
pub fn fm_score(f: u8, m: u8) -> u8 {
    (f + m).div_ceil(2)
}

/// The segment of a score triple (scores 1–5).
pub fn segment(r: u8, f: u8, m: u8) -> Segment {
    let fm = fm_score(f, m);
    SEGMENT_RULES
        .iter()
        .find(|(_, r0, r1, fm0, fm1)| (*r0..=*r1).contains(&r) && (*fm0..=*fm1).contains(&fm))
        .map_or(Segment::Lost, |(s, ..)| *s)
}

/// NTILE(5) bucket (1–5) of the row at sorted position `i` among `n`.
pub fn ntile5(i: usize, n: usize) -> u8 {
    let (q, r) = (n / 5, n % 5);
    // The first r buckets hold q + 1 rows, the others q.
    let big = r * (q + 1);
    let bucket = if i < big { i / (q + 1) } else { r + (i - big) / q.max(1) };
    u8::try_from(bucket + 1).unwrap_or(5).min(5)
}

/// Each input's NTILE(5) bucket when ordered by `key` and then by customer id. The
/// inputs come in customer id order (as `score` requires), so the position breaks ties
/// exactly as the id does and a sort of plain (key, position) pairs suffices.
fn ranks(inputs: &[RfmInput], key: impl Fn(&RfmInput) -> i64) -> Vec<u8> {
    let mut order: Vec<(i64, u32)> = inputs.iter().zip(0u32..).map(|(c, i)| (key(c), i)).collect();
    order.sort_unstable();
    let mut scores = vec![0u8; inputs.len()];
    for (pos, &(_, i)) in order.iter().enumerate() {
        scores[i as usize] = ntile5(pos, inputs.len());
    }
    scores
}

/// Scores every customer against the others.
pub fn score(inputs: &[RfmInput]) -> Vec<RfmScore> {
    if !inputs.is_sorted_by_key(|c| c.customer_id) {
        // Score in id order, then answer in the caller's order.
        let mut by_id: Vec<usize> = (0..inputs.len()).collect();
        by_id.sort_by_key(|&i| inputs[i].customer_id);
        let sorted: Vec<RfmInput> = by_id.iter().map(|&i| inputs[i]).collect();
        let mut out = vec![None; inputs.len()];
        for (s, &i) in score(&sorted).into_iter().zip(&by_id) {
            out[i] = Some(s);
        }
        return out.into_iter().flatten().collect();
    }
    let r = ranks(inputs, |c| -c.recency_days);
    let f = ranks(inputs, |c| c.frequency);
    let m = ranks(inputs, |c| c.monetary_cents);
    inputs
        .iter()
        .enumerate()
        .map(|(i, c)| RfmScore {
            customer_id: c.customer_id,
            r: r[i],
            f: f[i],
            m: m[i],
            segment: segment(r[i], f[i], m[i]),
        })
        .collect()
}

/// One segment's size and value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SegmentSummary {
    pub segment: Segment,
    pub customers: u64,
    /// Share of all scored customers, 0–1.
    pub share: f64,
    /// Sum of the customers' monetary values, in cents.
    pub revenue_cents: i64,
    pub avg_recency_days: f64,
    pub avg_frequency: f64,
    /// In cents.
    pub avg_monetary_cents: f64,
}

/// Every segment (also empty ones), in the order of [`Segment::ALL`].
pub fn summary(inputs: &[RfmInput], scores: &[RfmScore]) -> Vec<SegmentSummary> {
    let total = inputs.len().max(1) as f64;
    Segment::ALL
        .into_iter()
        .map(|seg| {
            let members: Vec<&RfmInput> =
                inputs.iter().zip(scores).filter(|(_, s)| s.segment == seg).map(|(i, _)| i).collect();
            let n = members.len();
            let mean = |f: &dyn Fn(&RfmInput) -> i64| {
                if n == 0 { 0.0 } else { members.iter().map(|c| f(c) as f64).sum::<f64>() / n as f64 }
            };
            SegmentSummary {
                segment: seg,
                customers: n as u64,
                share: n as f64 / total,
                revenue_cents: members.iter().map(|c| c.monetary_cents).sum(),
                avg_recency_days: mean(&|c| c.recency_days),
                avg_frequency: mean(&|c| c.frequency),
                avg_monetary_cents: mean(&|c| c.monetary_cents),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_score_combination_has_exactly_one_segment() {
        for r in 1..=5 {
            for f in 1..=5 {
                for m in 1..=5 {
                    let fm = fm_score(f, m);
                    let matching = SEGMENT_RULES
                        .iter()
                        .filter(|(_, r0, r1, fm0, fm1)| (*r0..=*r1).contains(&r) && (*fm0..=*fm1).contains(&fm))
                        .count();
                    assert_eq!(matching, 1, "R{r} F{f} M{m}");
                }
            }
        }
        let used: std::collections::BTreeSet<Segment> = SEGMENT_RULES.iter().map(|r| r.0).collect();
        assert_eq!(used.len(), 11, "every segment is reachable");
    }

    #[test]
    fn ntile_puts_the_remainder_in_the_first_buckets() {
        let buckets: Vec<u8> = (0..7).map(|i| ntile5(i, 7)).collect();
        assert_eq!(buckets, vec![1, 1, 2, 2, 3, 4, 5]);
        let buckets: Vec<u8> = (0..3).map(|i| ntile5(i, 3)).collect();
        assert_eq!(buckets, vec![1, 2, 3]);
        let buckets: Vec<u8> = (0..10).map(|i| ntile5(i, 10)).collect();
        assert_eq!(buckets, vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    }

    #[test]
    fn a_hand_computed_fixture_with_ties() {
        // 7 customers: buckets of 2, 2, 1, 1, 1.
        let c = |id, r, f, m| RfmInput { customer_id: id, recency_days: r, frequency: f, monetary_cents: m };
        let inputs = [
            c(1, 10, 5, 500),
            c(2, 400, 1, 100),
            c(3, 10, 5, 500),
            c(4, 30, 2, 900),
            c(5, 200, 1, 50),
            c(6, 5, 9, 2000),
            c(7, 90, 3, 300),
        ];
        let s = score(&inputs);
        let by_id = |id: i64| s.iter().find(|x| x.customer_id == id).copied().expect("scored");
        // R: recency desc → 400(2), 200(5) | 90(7), 30(4) | 10(1) | 10(3) | 5(6)
        assert_eq!(
            [by_id(2).r, by_id(5).r, by_id(7).r, by_id(4).r, by_id(1).r, by_id(3).r, by_id(6).r],
            [1, 1, 2, 2, 3, 4, 5]
        );
        // F: asc, ties by id → 1(2), 1(5) | 2(4), 3(7) | 5(1) | 5(3) | 9(6)
        assert_eq!(
            [by_id(2).f, by_id(5).f, by_id(4).f, by_id(7).f, by_id(1).f, by_id(3).f, by_id(6).f],
            [1, 1, 2, 2, 3, 4, 5]
        );
        // M: asc → 50(5), 100(2) | 300(7), 500(1) | 500(3) | 900(4) | 2000(6)
        assert_eq!(
            [by_id(5).m, by_id(2).m, by_id(7).m, by_id(1).m, by_id(3).m, by_id(4).m, by_id(6).m],
            [1, 1, 2, 2, 3, 4, 5]
        );
        assert_eq!(by_id(6).segment, Segment::Champions);
        assert_eq!(by_id(2).segment, Segment::Lost);
        assert_eq!(by_id(3).segment, Segment::LoyalCustomers, "R4, FM ⌈(4+3)/2⌉ = 4");
        let sum = summary(&inputs, &s);
        assert_eq!(sum.len(), 11);
        assert_eq!(sum.iter().map(|x| x.customers).sum::<u64>(), 7);
        let champions = &sum[0];
        assert_eq!((champions.customers, champions.revenue_cents), (1, 2000));
    }

    #[test]
    fn scores_do_not_depend_on_the_order_of_the_inputs() {
        // Many ties on every key, so the id tie-break decides most buckets.
        let inputs: Vec<RfmInput> = (1..=53)
            .map(|id| RfmInput {
                customer_id: id,
                recency_days: (id * 7) % 5,
                frequency: (id * 3) % 4,
                monetary_cents: (id * 11) % 6,
            })
            .collect();
        let sorted = score(&inputs);
        let mut shuffled = inputs.clone();
        shuffled.reverse();
        shuffled.swap(3, 40);
        let scores = score(&shuffled);
        assert_eq!(
            scores.iter().map(|s| s.customer_id).collect::<Vec<_>>(),
            shuffled.iter().map(|c| c.customer_id).collect::<Vec<_>>()
        );
        for s in &scores {
            assert_eq!(Some(s), sorted.iter().find(|x| x.customer_id == s.customer_id));
        }
        // And against a direct NTILE by the full (key, id) order.
        let mut by_f: Vec<&RfmInput> = inputs.iter().collect();
        by_f.sort_by_key(|c| (c.frequency, c.customer_id));
        for (pos, c) in by_f.iter().enumerate() {
            let got = sorted.iter().find(|x| x.customer_id == c.customer_id).map(|x| x.f);
            assert_eq!(got, Some(ntile5(pos, inputs.len())));
        }
        let mut by_r: Vec<&RfmInput> = inputs.iter().collect();
        by_r.sort_by_key(|c| (std::cmp::Reverse(c.recency_days), c.customer_id));
        for (pos, c) in by_r.iter().enumerate() {
            let got = sorted.iter().find(|x| x.customer_id == c.customer_id).map(|x| x.r);
            assert_eq!(got, Some(ntile5(pos, inputs.len())));
        }
    }

    #[test]
    fn segments_by_example() {
        assert_eq!(segment(5, 1, 1), Segment::NewCustomers);
        assert_eq!(segment(4, 1, 1), Segment::Promising);
        assert_eq!(segment(1, 5, 5), Segment::CantLoseThem);
        assert_eq!(segment(2, 3, 4), Segment::AtRisk);
        assert_eq!(segment(3, 3, 3), Segment::NeedAttention);
        assert_eq!(segment(2, 1, 2), Segment::Hibernating);
        assert_eq!(Segment::parse("cant_lose_them"), Some(Segment::CantLoseThem));
    }
}
