//! Item-to-item recommendations from co-occurrence in orders, scored by lift.
//!
//! For products A and B among N orders: support(A, B) = n(A, B) / N and
//! lift(A, B) = n(A, B) · N / (n(A) · n(B)) — how much more often they are bought
//! together than if they were independent (1 = no relation).

use std::collections::{BTreeSet, HashMap};

/// Orders that hold both products (`a < b`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PairCount {
    pub a: i64,
    pub b: i64,
    pub together: i64,
}

/// A recommended product and why.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Recommendation {
    pub product_id: i64,
    /// The bought product it is most often bought with.
    pub because_of: i64,
    pub support: f64,
    pub lift: f64,
    /// Orders that held both.
    pub together: i64,
}

/// Lift and support of a pair among `orders` orders.
pub fn lift(together: i64, count_a: i64, count_b: i64, orders: i64) -> (f64, f64) {
    if orders <= 0 || count_a <= 0 || count_b <= 0 {
        return (0.0, 0.0);
    }
    let n = orders as f64;
    (together as f64 * n / (count_a as f64 * count_b as f64), together as f64 / n)
}

/// Products related to those in `basket` (which are excluded), best first: each
/// candidate takes its strongest link (highest lift, then support) to a basket product;
/// ties go to the lower product id. Only candidates in `allowed` are returned.
pub fn recommend(
    basket: &BTreeSet<i64>,
    pairs: &[PairCount],
    counts: &HashMap<i64, i64>,
    orders: i64,
    allowed: &BTreeSet<i64>,
    limit: usize,
) -> Vec<Recommendation> {
    let mut best: HashMap<i64, Recommendation> = HashMap::new();
    for p in pairs {
        let (from, to) = match (basket.contains(&p.a), basket.contains(&p.b)) {
            (true, false) => (p.a, p.b),
            (false, true) => (p.b, p.a),
            _ => continue,
        };
        if !allowed.contains(&to) {
            continue;
        }
        let (l, s) =
            lift(p.together, counts.get(&from).copied().unwrap_or(0), counts.get(&to).copied().unwrap_or(0), orders);
        let candidate = Recommendation { product_id: to, because_of: from, support: s, lift: l, together: p.together };
        let better = |old: &Recommendation| {
            (l, s, std::cmp::Reverse(from)) > (old.lift, old.support, std::cmp::Reverse(old.because_of))
        };
        match best.get(&to) {
            Some(old) if !better(old) => {}
            _ => {
                best.insert(to, candidate);
            }
        }
    }
    let mut out: Vec<Recommendation> = best.into_values().collect();
    out.sort_by(|x, y| {
        y.lift.total_cmp(&x.lift).then(y.support.total_cmp(&x.support)).then(x.product_id.cmp(&y.product_id))
    });
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lift_matches_the_definition() {
        // 100 orders; tea in 20, cups in 10, both in 8: lift = 8·100 / (20·10) = 4.
        assert_eq!(lift(8, 20, 10, 100), (4.0, 0.08));
        assert_eq!(lift(1, 0, 10, 100), (0.0, 0.0));
    }

    #[test]
    fn a_fixture_with_known_lifts() {
        // Products: 1 tea, 2 cups, 3 kettle, 4 chair. 100 orders.
        let counts = HashMap::from([(1, 20), (2, 10), (3, 25), (4, 50)]);
        let pairs = [
            PairCount { a: 1, b: 2, together: 8 },  // lift 4
            PairCount { a: 1, b: 3, together: 10 }, // lift 2
            PairCount { a: 1, b: 4, together: 10 }, // lift 1
            PairCount { a: 2, b: 3, together: 5 },  // lift 2
        ];
        let allowed: BTreeSet<i64> = [1, 2, 3, 4].into();
        let basket: BTreeSet<i64> = [1].into();
        let r = recommend(&basket, &pairs, &counts, 100, &allowed, 10);
        let got: Vec<(i64, i64, f64)> = r.iter().map(|x| (x.product_id, x.because_of, x.lift)).collect();
        assert_eq!(got, vec![(2, 1, 4.0), (3, 1, 2.0), (4, 1, 1.0)]);
        // With cups bought too, the kettle is reached through either at lift 2; support decides (tea: 0.10).
        let basket: BTreeSet<i64> = [1, 2].into();
        let r = recommend(&basket, &pairs, &counts, 100, &allowed, 10);
        assert_eq!((r[0].product_id, r[0].because_of, r[0].support), (3, 1, 0.10));
        assert!(r.iter().all(|x| !basket.contains(&x.product_id)), "bought products are excluded");
        let only_chairs: BTreeSet<i64> = [4].into();
        assert_eq!(recommend(&[1].into(), &pairs, &counts, 100, &only_chairs, 10).len(), 1);
        assert_eq!(recommend(&[1].into(), &pairs, &counts, 100, &allowed, 1).len(), 1);
    }
}
