//! The password policy (OWASP ASVS 2.1): long enough, not a well-known password,
//! not built from the user's own email.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::validate::Problems;

/// Shortest accepted password (OWASP ASVS 2.1.1).
pub const MIN_PASSWORD: usize = 12;
/// Longest accepted password (argon2 cost stays bounded).
pub const MAX_PASSWORD: usize = 128;

/// Frequent passwords and the variants people make of them to pass a length rule
/// (one a line, lower case).
static COMMON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("common_passwords.txt").lines().map(str::trim).filter(|l| !l.is_empty()).collect());

/// Whether `password` is on the common-passwords list (compared case-insensitively).
pub fn is_common(password: &str) -> bool {
    COMMON.contains(password.to_lowercase().as_str())
}

/// What is wrong with `password` for the user with `email`, if anything.
pub fn problem(password: &str, email: &str) -> Option<String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        return Some(format!("must have at least {MIN_PASSWORD} characters"));
    }
    if n > MAX_PASSWORD {
        return Some(format!("must have at most {MAX_PASSWORD} characters"));
    }
    if is_common(password) {
        return Some("is too common; choose one that is not on lists of frequent passwords".into());
    }
    let local = email.split('@').next().unwrap_or_default().trim().to_lowercase();
    // Very short local parts ("a@…") would forbid too much for too little.
    if local.chars().count() >= 3 && password.to_lowercase().contains(&local) {
        return Some("must not contain the email address's name".into());
    }
    None
}

/// Adds the problem with `password` (if any) under the field `field`.
pub fn check(p: &mut Problems, field: &str, password: &str, email: &str) {
    if let Some(reason) = problem(password, email) {
        p.add(field, reason);
    }
}

/// Length only: for the published demo logins, which are meant to be guessed.
pub fn check_length(p: &mut Problems, field: &str, password: &str) {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        p.add(field, format!("must have at least {MIN_PASSWORD} characters"));
    } else if n > MAX_PASSWORD {
        p.add(field, format!("must have at most {MAX_PASSWORD} characters"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_passwords_are_refused() {
        assert!(problem("short-pass", "a@b.c").is_some_and(|m| m.contains("12")));
        assert!(problem(&"x".repeat(129), "a@b.c").is_some());
    }

    #[test]
    fn common_passwords_are_refused_in_any_case() {
        assert!(is_common("password1234"));
        assert!(is_common("PassWord1234"));
        assert!(is_common("qwertyuiop123"));
        assert!(problem("qwertyuiop123", "x@y.z").is_some_and(|m| m.contains("common")));
        assert!(!is_common("violet-kettle-orbit"));
    }

    #[test]
    fn passwords_built_from_the_email_name_are_refused() {
        assert!(problem("jane.doe-rocks-42", "Jane.Doe@example.com").is_some_and(|m| m.contains("email")));
        assert!(problem("violet-kettle-orbit", "jane.doe@example.com").is_none());
        // A one-letter name would forbid half the alphabet.
        assert!(problem("violet-kettle-orbit", "v@example.com").is_none());
    }

    #[test]
    fn the_list_is_large_and_lower_case() {
        assert!(COMMON.len() >= 1000);
        assert!(COMMON.iter().all(|w| w.to_lowercase() == *w));
    }
}
