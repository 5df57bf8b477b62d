use std::str::FromStr;

use super::*;
use crate::services::customers::{self, NewCustomer};
use crate::services::orders;
use crate::services::products::{self, NewProduct};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::from_str(s).expect("date")
}

#[test]
fn open_quotes_lapse_into_expired_the_day_after_valid_until() {
    let today = day("2026-11-25");
    assert_eq!(reported_status("draft", day("2026-11-25"), today), "draft");
    assert_eq!(reported_status("draft", day("2026-11-24"), today), "expired");
    assert_eq!(reported_status("sent", day("2026-11-24"), today), "expired");
    assert_eq!(reported_status("accepted", day("2026-11-24"), today), "accepted");
    assert_eq!(reported_status("rejected", day("2020-01-01"), today), "rejected");
}

#[tokio::test]
async fn accepting_copies_the_quote_into_an_order_and_both_reach_the_timeline() {
    let db = crate::testing::db().await;
    let system = Actor::system();
    let customer = customers::create(&db, &system, NewCustomer { name: "Chen Jie".into(), ..Default::default() })
        .await
        .expect("customer");
    let product = products::create(
        &db,
        &system,
        NewProduct {
            sku: "TEA".into(),
            name: "Pu-erh".into(),
            description: None,
            price: d("1234.5"),
            active: true,
            category: None,
        },
    )
    .await
    .expect("product");
    let input = NewQuote {
        customer_id: customer.id,
        tax_rate: Some(d("13")),
        lines: vec![NewLine { product_id: Some(product.id), quantity: d("1"), ..Default::default() }],
        ..Default::default()
    };
    let q = create(&db, &system, input).await.expect("quote");
    assert_eq!((q.lines[0].description.as_str(), q.lines[0].unit_price), ("Pu-erh", d("1234.50")));
    assert_eq!((q.tax_total, q.total), (d("160.48"), d("1394.98")));
    send(&db, &system, q.id, Some(1)).await.expect("send");
    let accepted = accept(&db, &system, q.id, None).await.expect("accept");
    let order_id = accepted.order_id.expect("order");
    let order = orders::get(&db, &system, order_id).await.expect("order");
    assert_eq!((order.total_amount, order.tax_total, order.quote_id), (q.total, q.tax_total, Some(q.id)));

    let quotes = timeline_entries(&db, customer.id, None, 10).await.expect("quotes");
    assert_eq!(quotes[0].summary, format!("quote {} (accepted, 1 394.98 CNY)", q.number));
    assert_eq!(quotes[0].data["total"], "1394.98");
    let orders = orders::timeline_entries(&db, customer.id, None, 10).await.expect("orders");
    assert_eq!(orders[0].summary, format!("order {} (pending, 1 394.98 CNY)", order.number));
    assert_eq!(orders[0].ref_id, order_id);
    let older = orders::timeline_entries(&db, customer.id, Some(order.created_at.naive_utc()), 10).await;
    assert!(older.expect("orders").is_empty());
}
