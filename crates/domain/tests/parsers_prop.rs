//! Property tests for everything that parses user text: the sort spec, cursors and
//! paging, segment filters (from JSON), campaign templates and CSV imports. Any input
//! gives a value or a typed error, never a panic; valid inputs round-trip.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use proptest::prelude::*;
use rapport_domain::DomainError;
use rapport_domain::list::{Cursor, Paging, SortKey, parse_sort, sort_spec};
use rapport_domain::rules::segment_filter::{self, SegmentFilter};
use rapport_domain::rules::template::{PLACEHOLDERS, Template};
use rapport_domain::services::customers::{IMPORT_COLUMNS, parse_csv};

const FIELDS: &[&str] = &["id", "name", "created_at", "updated_at", "city"];
const DEFAULT: SortKey = SortKey { field: "id", desc: false };

fn config() -> ProptestConfig {
    // Fixed case count and no persistence files: the same run everywhere.
    ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_sort_text_parses_or_is_refused_as_sort(spec in ".{0,40}") {
        match parse_sort(Some(&spec), FIELDS, DEFAULT) {
            Ok(keys) => {
                prop_assert!(!keys.is_empty());
                for k in &keys {
                    prop_assert!(FIELDS.contains(&k.field));
                }
                let mut names: Vec<&str> = keys.iter().map(|k| k.field).collect();
                names.dedup();
                prop_assert_eq!(names.len(), keys.len(), "no field twice");
            }
            Err(DomainError::Invalid(errors)) => prop_assert_eq!(errors[0].field.as_str(), "sort"),
            Err(e) => prop_assert!(false, "unexpected error {e:?}"),
        }
    }

    #[test]
    fn valid_sort_specs_round_trip(picks in proptest::sample::subsequence(FIELDS.to_vec(), 1..=FIELDS.len()), desc in proptest::collection::vec(any::<bool>(), FIELDS.len())) {
        let keys: Vec<SortKey> = picks.iter().zip(&desc).map(|(f, d)| SortKey { field: f, desc: *d }).collect();
        let text = sort_spec(&keys);
        prop_assert_eq!(parse_sort(Some(&text), FIELDS, DEFAULT).unwrap(), keys);
    }

    #[test]
    fn any_cursor_text_decodes_or_is_refused_as_cursor(text in ".{0,80}") {
        match Cursor::decode(&text) {
            Ok(_) => {}
            Err(DomainError::Invalid(errors)) => prop_assert_eq!(errors[0].field.as_str(), "cursor"),
            Err(e) => prop_assert!(false, "unexpected error {e:?}"),
        }
        // Through the paging parser too (what the API calls).
        let _ = Paging::from_query(None, Some(25), Some(&text), None);
    }

    #[test]
    fn cursors_round_trip(sort in "-?[a-z_]{1,12}", value in proptest::option::of(".{0,40}"), id in any::<i64>()) {
        let c = Cursor { sort, value, id };
        prop_assert_eq!(Cursor::decode(&c.encode()).unwrap(), c);
    }

    #[test]
    fn any_paging_numbers_give_paging_or_a_field_error(page in proptest::option::of(any::<u64>()), per_page in proptest::option::of(any::<u64>()), count in proptest::option::of(any::<bool>())) {
        match Paging::from_query(page, per_page, None, count) {
            Ok(Paging::Offset { page, per_page, .. }) => {
                prop_assert!(page >= 1);
                prop_assert!((1..=rapport_domain::list::MAX_PER_PAGE).contains(&per_page));
            }
            Ok(Paging::Cursor { .. }) => prop_assert!(false, "no cursor was given"),
            Err(DomainError::Invalid(_)) => {}
            Err(e) => prop_assert!(false, "unexpected error {e:?}"),
        }
    }

    #[test]
    fn any_template_text_parses_or_is_refused_and_renders_without_panic(text in "(\\{\\{|\\}\\}|[a-z_ ]{0,6}|.{0,6}){0,12}") {
        if let Ok(t) = Template::parse(&text) {
            let rendered = t.render(|name| format!("<{name}>"));
            if !text.contains("{{") {
                prop_assert_eq!(rendered, text, "plain text is kept as it is");
            }
        }
    }

    #[test]
    fn templates_of_known_placeholders_render_each_one(parts in proptest::collection::vec((proptest::sample::select(PLACEHOLDERS.iter().map(|(n, _)| *n).collect::<Vec<_>>()), "[^{}]{0,10}"), 0..6)) {
        let text: String = parts.iter().map(|(name, between)| format!("{between}{{{{ {name} }}}}")).collect();
        let t = Template::parse(&text).unwrap();
        let expected: String = parts.iter().map(|(name, between)| format!("{between}<{name}>")).collect();
        prop_assert_eq!(t.render(|name| format!("<{name}>")), expected);
        for (name, _) in &parts {
            prop_assert!(t.uses(name));
        }
    }

    #[test]
    fn any_segment_filter_json_is_read_and_checked_without_panic(json in segment_json()) {
        if let Ok(f) = serde_json::from_value::<SegmentFilter>(json) {
            match segment_filter::check(f) {
                Ok(_) | Err(DomainError::Invalid(_)) => {}
                Err(e) => prop_assert!(false, "unexpected error {e:?}"),
            }
        }
    }

    #[test]
    fn any_csv_bytes_give_rows_and_line_errors_or_a_rejected_header(body in proptest::collection::vec(any::<u8>(), 0..400)) {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let mut data = b"name,email,phone,birthday,tags\n".to_vec();
        data.extend(&body);
        match parse_csv(&data, today) {
            Ok(parsed) => {
                prop_assert!(!parsed.rows.is_empty() || !parsed.errors.is_empty(), "an empty file is reported");
                for e in &parsed.errors {
                    prop_assert!(e.line.is_some(), "every row error names its line: {e:?}");
                }
                for (line, c) in &parsed.rows {
                    prop_assert!(*line >= 2);
                    prop_assert!(!c.name.trim().is_empty());
                }
            }
            Err(DomainError::ImportRejected(errors)) => prop_assert!(!errors.is_empty()),
            Err(e) => prop_assert!(false, "unexpected error {e:?}"),
        }
        // Arbitrary headers, too.
        let _ = parse_csv(&body, today);
    }

    #[test]
    fn well_formed_csv_rows_are_all_imported(rows in proptest::collection::vec(("[A-Za-z][A-Za-z ]{0,20}", "[a-z]{1,8}", "[0-9]{5,12}"), 1..30)) {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let mut data = String::from("name,email,phone\n");
        for (i, (name, user, phone)) in rows.iter().enumerate() {
            data.push_str(&format!("\"{name}\",{user}{i}@example.com,{phone}\n"));
        }
        let parsed = parse_csv(data.as_bytes(), today).unwrap();
        prop_assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        prop_assert_eq!(parsed.rows.len(), rows.len());
        prop_assert!(IMPORT_COLUMNS.contains(&"email"));
    }
}

fn segment_json() -> impl Strategy<Value = serde_json::Value> {
    let scalar = prop_oneof![
        Just(serde_json::Value::Null),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(serde_json::Value::from),
        ".{0,12}".prop_map(serde_json::Value::from),
        any::<bool>().prop_map(serde_json::Value::from),
        proptest::collection::vec(".{0,8}", 0..4).prop_map(|v| serde_json::json!(v)),
    ];
    let keys = vec![
        "city",
        "tags",
        "owner_id",
        "source",
        "birthday_month",
        "created_from",
        "created_to",
        "rfm_segment",
        "r_score_min",
        "r_score_max",
        "f_score_min",
        "m_score_max",
        "bought_product_id",
        "bought_category",
        "total_spend_min",
        "total_spend_max",
        "order_count_min",
        "order_count_max",
        "last_order_from",
        "last_order_to",
        "has_open_service_request",
    ];
    proptest::collection::vec((proptest::sample::select(keys), scalar), 0..8)
        .prop_map(|pairs| serde_json::Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()))
}
