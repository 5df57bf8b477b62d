//! Field rules shared by every input: they collect problems instead of stopping at the first.

use chrono::NaiveDate;

use crate::error::FieldError;

/// Collects field problems; `finish` turns them into one `Invalid` error.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<FieldError>);

impl Problems {
    /// Records a problem with `field`.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// `Ok(())` when nothing was recorded.
    ///
    /// # Errors
    /// `Invalid` listing every problem.
    pub fn finish(self) -> crate::Result<()> {
        if self.0.is_empty() { Ok(()) } else { Err(crate::DomainError::Invalid(self.0)) }
    }
}

/// Trims a required text; records a problem when it is empty or too long.
pub fn required(p: &mut Problems, field: &str, value: &str, max: usize) -> String {
    let v = value.trim();
    if v.is_empty() {
        p.add(field, "is required");
    } else if v.chars().count() > max {
        p.add(field, format!("must be at most {max} characters"));
    }
    v.to_owned()
}

/// Trims an optional text; empty becomes `None`; records a problem when too long.
pub fn optional(p: &mut Problems, field: &str, value: Option<&str>, max: usize) -> Option<String> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    if v.chars().count() > max {
        p.add(field, format!("must be at most {max} characters"));
    }
    Some(v.to_owned())
}

/// An optional email address, checked for syntax.
pub fn email(p: &mut Problems, field: &str, value: Option<&str>) -> Option<String> {
    let v = optional(p, field, value, 254)?;
    if !email_address::EmailAddress::is_valid(&v) || !v.contains('.') {
        p.add(field, "is not a valid email address");
    }
    Some(v)
}

/// An optional phone number: digits with `+ - ( ) .` and spaces, 5 to 20 digits.
pub fn phone(p: &mut Problems, field: &str, value: Option<&str>) -> Option<String> {
    let v = optional(p, field, value, 40)?;
    let allowed = v.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    let digits = v.chars().filter(char::is_ascii_digit).count();
    if !allowed {
        p.add(field, "may contain only digits, spaces and + - ( ) .");
    } else if !(5..=20).contains(&digits) {
        p.add(field, "must have between 5 and 20 digits");
    }
    Some(v)
}

/// A birthday must lie in the past (or today) and after 1900.
pub fn birthday(p: &mut Problems, field: &str, value: Option<NaiveDate>, today: NaiveDate) {
    if let Some(d) = value {
        if d > today {
            p.add(field, "must not be in the future");
        } else if d < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(d) {
            p.add(field, "must be after 1900-01-01");
        }
    }
}

/// Tags: trimmed, lower-case, 1–50 characters of letters, digits, `-` and `_`, at most 20, no repeats.
pub fn tags(p: &mut Problems, field: &str, values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for raw in values {
        let t = raw.trim().to_lowercase();
        if t.is_empty() || t.chars().count() > 50 {
            p.add(field, "each tag must have 1 to 50 characters");
        } else if !t.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
            p.add(field, format!("tag {t:?} may contain only letters, digits, - and _"));
        } else if !out.contains(&t) {
            out.push(t);
        }
    }
    if out.len() > 20 {
        p.add(field, "at most 20 tags");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).expect("date")
    }

    #[test]
    fn blank_required_name_is_a_problem() {
        let mut p = Problems::default();
        required(&mut p, "name", "   ", 200);
        assert_eq!(p.0[0].field, "name");
    }

    #[test]
    fn email_syntax_is_checked() {
        let mut p = Problems::default();
        assert_eq!(email(&mut p, "email", Some(" li.wei@example.cn ")).as_deref(), Some("li.wei@example.cn"));
        assert!(p.0.is_empty());
        email(&mut p, "email", Some("not-an-email"));
        email(&mut p, "email", Some("a@b"));
        assert_eq!(p.0.len(), 2);
    }

    #[test]
    fn phone_allows_usual_punctuation_only() {
        let mut p = Problems::default();
        phone(&mut p, "phone", Some("+86 (755) 8888-1234"));
        assert!(p.0.is_empty());
        phone(&mut p, "phone", Some("call me"));
        phone(&mut p, "phone", Some("123"));
        assert_eq!(p.0.len(), 2);
    }

    #[test]
    fn birthday_in_the_future_is_refused() {
        let mut p = Problems::default();
        birthday(&mut p, "birthday", NaiveDate::from_ymd_opt(2030, 1, 1), today());
        birthday(&mut p, "birthday", NaiveDate::from_ymd_opt(1990, 5, 17), today());
        assert_eq!(p.0.len(), 1);
    }

    #[test]
    fn tags_are_normalised_and_deduplicated() {
        let mut p = Problems::default();
        let t = tags(&mut p, "tags", &["VIP".into(), " vip ".into(), "b2b".into()]);
        assert_eq!(t, vec!["vip", "b2b"]);
        tags(&mut p, "tags", &["no spaces please".into()]);
        assert_eq!(p.0.len(), 1);
    }
}
