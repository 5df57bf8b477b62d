//! The customer as the outside world sees it, and the fields it is made and changed from.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;

use crate::entities::customer;
use crate::error::Result;
use crate::rules::validate::{self, Problems};
use crate::time::utc;

/// Where a customer came from.
pub const SOURCES: &[&str] = &["web", "referral", "event", "campaign", "import", "other"];

/// A customer as the outside world sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Customer {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub birthday: Option<NaiveDate>,
    pub company: Option<String>,
    pub city: Option<String>,
    pub tags: Vec<String>,
    pub owner_id: Option<i64>,
    pub source: Option<String>,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl Customer {
    pub(crate) fn from_row(m: customer::Model, tags: Vec<String>) -> Self {
        Self {
            id: m.id,
            name: m.name,
            email: m.email,
            phone: m.phone,
            address: m.address,
            birthday: m.birthday,
            company: m.company,
            city: m.city,
            tags,
            owner_id: m.owner_id,
            source: m.source,
            notes: m.notes,
            created_at: utc(m.created_at),
            updated_at: utc(m.updated_at),
            version: m.version,
        }
    }

    /// The audit snapshot as JSON text: exactly what `snapshot(self)` prints, without
    /// the JSON value in between (an import writes a million of them).
    pub(crate) fn audit_text(&self) -> Option<String> {
        serde_json::to_string(&AuditSnapshot::from(self)).ok()
    }

    /// A customer just created from `v` at `at`, as reading it back would give it
    /// (tags in order), without reading it back.
    pub(crate) fn created(id: i64, v: NewCustomer, at: NaiveDateTime) -> Self {
        let mut tags = v.tags;
        tags.sort();
        Self {
            id,
            name: v.name,
            email: v.email,
            phone: v.phone,
            address: v.address,
            birthday: v.birthday,
            company: v.company,
            city: v.city,
            tags,
            owner_id: v.owner_id,
            source: v.source,
            notes: v.notes,
            created_at: utc(at),
            updated_at: utc(at),
            version: 1,
        }
    }
}

/// A customer's fields in alphabetical order: the order a `serde_json::Value` keeps
/// them in, which the audit log's snapshots have always had.
#[derive(Serialize)]
struct AuditSnapshot<'a> {
    address: &'a Option<String>,
    birthday: &'a Option<NaiveDate>,
    city: &'a Option<String>,
    company: &'a Option<String>,
    created_at: &'a DateTime<Utc>,
    email: &'a Option<String>,
    id: i64,
    name: &'a str,
    notes: &'a Option<String>,
    owner_id: Option<i64>,
    phone: &'a Option<String>,
    source: &'a Option<String>,
    tags: &'a [String],
    updated_at: &'a DateTime<Utc>,
    version: i32,
}

impl<'a> From<&'a Customer> for AuditSnapshot<'a> {
    fn from(c: &'a Customer) -> Self {
        Self {
            address: &c.address,
            birthday: &c.birthday,
            city: &c.city,
            company: &c.company,
            created_at: &c.created_at,
            email: &c.email,
            id: c.id,
            name: &c.name,
            notes: &c.notes,
            owner_id: c.owner_id,
            phone: &c.phone,
            source: &c.source,
            tags: &c.tags,
            updated_at: &c.updated_at,
            version: c.version,
        }
    }
}

/// The fields a customer is created from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewCustomer {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub birthday: Option<NaiveDate>,
    pub company: Option<String>,
    pub city: Option<String>,
    pub tags: Vec<String>,
    pub owner_id: Option<i64>,
    pub source: Option<String>,
    pub notes: Option<String>,
}

/// A partial update: `None` leaves a field alone, `Some(None)` clears it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerChanges {
    pub name: Option<String>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub address: Option<Option<String>>,
    pub birthday: Option<Option<NaiveDate>>,
    pub company: Option<Option<String>>,
    pub city: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    pub owner_id: Option<Option<i64>>,
    pub source: Option<Option<String>>,
    pub notes: Option<Option<String>>,
}

impl NewCustomer {
    /// Checks and normalises every field, collecting all problems.
    ///
    /// # Errors
    /// `Invalid` listing each bad field.
    pub fn validated(self, today: NaiveDate) -> Result<Self> {
        let mut p = Problems::default();
        let v = self.clean(&mut p, today);
        p.finish().map(|()| v)
    }

    pub(crate) fn clean(self, p: &mut Problems, today: NaiveDate) -> Self {
        let source = validate::optional(p, "source", self.source.as_deref(), 50).map(|s| s.to_lowercase());
        if let Some(s) = &source
            && !SOURCES.contains(&s.as_str())
        {
            p.add("source", format!("must be one of {}", SOURCES.join(", ")));
        }
        validate::birthday(p, "birthday", self.birthday, today);
        Self {
            name: validate::required(p, "name", &self.name, 200),
            email: validate::email(p, "email", self.email.as_deref()),
            phone: validate::phone(p, "phone", self.phone.as_deref()),
            address: validate::optional(p, "address", self.address.as_deref(), 500),
            birthday: self.birthday,
            company: validate::optional(p, "company", self.company.as_deref(), 200),
            city: validate::optional(p, "city", self.city.as_deref(), 100),
            tags: validate::tags(p, "tags", &self.tags),
            owner_id: self.owner_id,
            source,
            notes: validate::optional(p, "notes", self.notes.as_deref(), 10_000),
        }
    }

    pub(crate) fn apply(mut self, c: CustomerChanges) -> Self {
        if let Some(v) = c.name {
            self.name = v;
        }
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = c.$f { self.$f = v; } )* };
        }
        set!(email, phone, address, birthday, company, city, owner_id, source, notes);
        if let Some(v) = c.tags {
            self.tags = v;
        }
        self
    }

    pub(crate) fn from_customer(c: &Customer) -> Self {
        Self {
            name: c.name.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            address: c.address.clone(),
            birthday: c.birthday,
            company: c.company.clone(),
            city: c.city.clone(),
            tags: c.tags.clone(),
            owner_id: c.owner_id,
            source: c.source.clone(),
            notes: c.notes.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::DomainError;
    use crate::services::snapshot;

    #[test]
    fn patch_changes_only_given_fields() {
        let base = NewCustomer { name: "Li Wei".into(), city: Some("Shenzhen".into()), ..Default::default() };
        let changed = base.clone().apply(CustomerChanges {
            city: Some(None),
            phone: Some(Some("+86 755 1234 5678".into())),
            ..Default::default()
        });
        assert_eq!(changed.name, "Li Wei");
        assert_eq!(changed.city, None);
        assert_eq!(changed.phone.as_deref(), Some("+86 755 1234 5678"));
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = NewCustomer {
            name: " ".into(),
            email: Some("nope".into()),
            source: Some("tv".into()),
            birthday: NaiveDate::from_ymd_opt(2999, 1, 1),
            ..Default::default()
        };
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).expect("date");
        let Err(DomainError::Invalid(errs)) = bad.validated(today) else { panic!("expected Invalid") };
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["source", "birthday", "name", "email"]);
    }

    fn at() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 25).and_then(|d| d.and_hms_micro_opt(9, 30, 1, 123_456)).expect("time")
    }

    #[test]
    fn the_audit_text_is_the_snapshot_printed() {
        let full = NewCustomer {
            name: "Wang \"Fang\" 王".into(),
            email: Some("wang@example.com".into()),
            phone: Some("+86 138 0000 0000".into()),
            address: Some("1 Road\nShenzhen".into()),
            birthday: NaiveDate::from_ymd_opt(1988, 8, 8),
            company: Some("ACME".into()),
            city: Some("Shenzhen".into()),
            tags: vec!["vip".into(), "b2b".into()],
            owner_id: Some(7),
            source: Some("import".into()),
            notes: Some("likes tea".into()),
        };
        for c in [
            Customer::created(41, full, at()),
            Customer::created(42, NewCustomer { name: "X".into(), ..Default::default() }, at()),
        ] {
            let want = snapshot(&c).map(|v| v.to_string());
            assert_eq!(c.audit_text(), want);
        }
    }

    #[test]
    fn a_created_customer_has_its_tags_in_order_and_version_one() {
        let v = NewCustomer { name: "A".into(), tags: vec!["vip".into(), "b2b".into()], ..Default::default() };
        let c = Customer::created(1, v, at());
        assert_eq!((c.tags, c.version, c.created_at), (vec!["b2b".to_owned(), "vip".to_owned()], 1, utc(at())));
    }
}
