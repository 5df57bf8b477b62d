//! Item-to-item recommendations from co-occurrence, scored by lift.
//!
//! Two kinds of co-occurrence: products in the same order (N orders, n(A) orders
//! holding A) and products bought by the same customer, in any orders (N customers,
//! n(A) customers who bought A). For products A and B: support(A, B) = n(A, B) / N and
//! lift(A, B) = n(A, B) · N / (n(A) · n(B)) — how much more often they go together than
//! if they were independent (1 = no relation).

use std::collections::{BTreeSet, HashMap};

/// Which co-occurrence links two products.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Bought in the same order.
    SameOrder,
    /// Bought by the same customer (in any of their orders).
    SameCustomer,
}

/// One kind of co-occurrence counts: pairs, single counts and the total N.
#[derive(Clone, Copy, Debug)]
pub struct Cooccurrence<'a> {
    pub kind: Kind,
    pub pairs: &'a [PairCount],
    pub counts: &'a HashMap<i64, i64>,
    pub total: i64,
}

/// Orders (or customers) that hold both products (`a < b`).
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
    /// Orders (or customers, by `kind`) that held both.
    pub together: i64,
    /// The co-occurrence behind the link.
    pub kind: Kind,
}

/// Lift and support of a pair among `orders` orders.
pub fn lift(together: i64, count_a: i64, count_b: i64, orders: i64) -> (f64, f64) {
    if orders <= 0 || count_a <= 0 || count_b <= 0 {
        return (0.0, 0.0);
    }
    let n = orders as f64;
    (together as f64 * n / (count_a as f64 * count_b as f64), together as f64 / n)
}

/// Products related to those in `basket` (which are excluded), best first, from
/// same-order co-occurrence alone; see [`recommend_from`].
pub fn recommend(
    basket: &BTreeSet<i64>,
    pairs: &[PairCount],
    counts: &HashMap<i64, i64>,
    orders: i64,
    allowed: &BTreeSet<i64>,
    limit: usize,
) -> Vec<Recommendation> {
    let source = Cooccurrence { kind: Kind::SameOrder, pairs, counts, total: orders };
    recommend_from(basket, &[source], allowed, limit)
}

/// Products related to those in `basket` (which are excluded), best first: each
/// candidate takes its strongest link (highest lift, then support, then the lower
/// basket product id, then same-order before same-customer) over every source; ties
/// between candidates go to the lower product id. Only candidates in `allowed` are
/// returned.
pub fn recommend_from(
    basket: &BTreeSet<i64>,
    sources: &[Cooccurrence<'_>],
    allowed: &BTreeSet<i64>,
    limit: usize,
) -> Vec<Recommendation> {
    let mut best: HashMap<i64, Recommendation> = HashMap::new();
    for src in sources {
        for p in src.pairs {
            let (from, to) = match (basket.contains(&p.a), basket.contains(&p.b)) {
                (true, false) => (p.a, p.b),
                (false, true) => (p.b, p.a),
                _ => continue,
            };
            if !allowed.contains(&to) {
                continue;
            }
            let count = |id: i64| src.counts.get(&id).copied().unwrap_or(0);
            let (l, s) = lift(p.together, count(from), count(to), src.total);
            let candidate = Recommendation {
                product_id: to,
                because_of: from,
                support: s,
                lift: l,
                together: p.together,
                kind: src.kind,
            };
            let key =
                |r: &Recommendation| (r.lift, r.support, std::cmp::Reverse(r.because_of), std::cmp::Reverse(r.kind));
            match best.get(&to) {
                Some(old) if key(&candidate) <= key(old) => {}
                _ => {
                    best.insert(to, candidate);
                }
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

    #[test]
    fn customer_level_links_compete_by_lift() {
        // 12 orders: tea in 4, kettle in 2, tea + kettle in 1 → lift 12 / 8 = 1.5.
        // 8 customers: tea 4, cups 3, kettle 2; tea + cups 2 → lift 16 / 12, tea + kettle 1 → lift 1.
        let order_counts = HashMap::from([(1, 4), (2, 4), (3, 2)]);
        let order_pairs = [PairCount { a: 1, b: 3, together: 1 }];
        let customer_counts = HashMap::from([(1, 4), (2, 3), (3, 2)]);
        let customer_pairs = [PairCount { a: 1, b: 2, together: 2 }, PairCount { a: 1, b: 3, together: 1 }];
        let sources = [
            Cooccurrence { kind: Kind::SameOrder, pairs: &order_pairs, counts: &order_counts, total: 12 },
            Cooccurrence { kind: Kind::SameCustomer, pairs: &customer_pairs, counts: &customer_counts, total: 8 },
        ];
        let r = recommend_from(&[1].into(), &sources, &[1, 2, 3].into(), 10);
        let got: Vec<(i64, Kind, f64, f64)> = r.iter().map(|x| (x.product_id, x.kind, x.lift, x.support)).collect();
        assert_eq!(got, vec![(3, Kind::SameOrder, 1.5, 1.0 / 12.0), (2, Kind::SameCustomer, 16.0 / 12.0, 0.25)]);
    }
}
