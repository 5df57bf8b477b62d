//! Webhook rules: the events there are, which subscriptions an event reaches, how a
//! delivery is signed, and which addresses a webhook may never point at (SSRF).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::rules::validate::Problems;

/// Every event a webhook may subscribe to.
pub const EVENTS: &[&str] = &[
    "customer.created",
    "customer.updated",
    "customer.deleted",
    "lead.created",
    "lead.updated",
    "lead.converted",
    "opportunity.stage_changed",
    "quote.accepted",
    "order.created",
    "service_request.created",
    "service_request.updated",
    "service_request.resolved",
    "campaign.completed",
];

/// Most event names and patterns one subscription may list.
pub const MAX_EVENTS: usize = 50;

/// Whether `pattern` (an event name, `<resource>.*` or `*`) covers `event`.
pub fn matches(pattern: &str, event: &str) -> bool {
    if pattern == "*" || pattern == event {
        return true;
    }
    match pattern.strip_suffix('*') {
        Some(prefix) if prefix.ends_with('.') => event.starts_with(prefix),
        _ => false,
    }
}

/// The wildcards a subscription may list besides [`EVENTS`]: `*` and one per resource.
pub const WILDCARDS: &[&str] =
    &["*", "customer.*", "lead.*", "opportunity.*", "quote.*", "order.*", "service_request.*", "campaign.*"];

/// Everything a subscription may list: the events, then the wildcards.
pub fn subscribable() -> Vec<&'static str> {
    EVENTS.iter().chain(WILDCARDS).copied().collect()
}

/// Whether `pattern` names at least one event: a known event, `*`, or `<resource>.*`
/// for a resource that has events.
pub fn is_known(pattern: &str) -> bool {
    if pattern == "*" || EVENTS.contains(&pattern) {
        return true;
    }
    pattern.strip_suffix(".*").is_some_and(|r| !r.contains('*') && EVENTS.iter().any(|e| matches(pattern, e)))
}

/// Checks a subscription's event list: at least one, each known (an unknown one is named),
/// no more than [`MAX_EVENTS`]; trimmed and without repeats, in the given order.
pub fn check_events(p: &mut Problems, field: &str, values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    if values.is_empty() {
        p.add(field, "must list at least one event");
    }
    if values.len() > MAX_EVENTS {
        p.add(field, format!("may list at most {MAX_EVENTS} events"));
    }
    for v in values {
        let v = v.trim();
        if !is_known(v) {
            let shown: String = v.chars().take(64).collect();
            p.add(
                field,
                format!("unknown event {shown:?}; known events: {}, or a wildcard like customer.*", EVENTS.join(", ")),
            );
        } else if !out.iter().any(|o| o == v) {
            out.push(v.to_owned());
        }
    }
    out
}

/// Lower-case hex of HMAC-SHA256(`secret`, `"<t>.<body>"`): the `v1` of a signature.
pub fn sign(secret: &str, t: i64, body: &[u8]) -> String {
    // HMAC takes keys of any length, so this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return String::new() };
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// The `X-Rapport-Signature` header value: `t=<unix seconds>,v1=<hex HMAC>`.
pub fn signature_header(secret: &str, t: i64, body: &[u8]) -> String {
    format!("t={t},v1={}", sign(secret, t, body))
}

/// Why a webhook may not be sent to `ip`, or `None` when it may (a public address).
pub fn forbidden_reason(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_reason(v4),
        IpAddr::V6(v6) => v6_reason(v6),
    }
}

fn v4_reason(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_unspecified() || a == 0 {
        Some("an unspecified address")
    } else if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_private() {
        Some("a private address")
    } else if ip.is_link_local() {
        Some("a link-local address")
    } else if a == 100 && (64..128).contains(&b) {
        Some("a shared (CGNAT) address")
    } else if ip.is_multicast() {
        Some("a multicast address")
    } else if ip.is_broadcast() || a >= 240 {
        Some("a reserved address")
    } else {
        None
    }
}

fn v6_reason(ip: Ipv6Addr) -> Option<&'static str> {
    let seg = ip.segments();
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_reason(v4);
    }
    // NAT64 (64:ff9b::/96) reaches the IPv4 address in its last 32 bits.
    if seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [.., hi, lo] = seg;
        return v4_reason(Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo)));
    }
    if ip.is_unspecified() {
        Some("an unspecified address")
    } else if ip.is_loopback() {
        Some("a loopback address")
    } else if seg[0] & 0xfe00 == 0xfc00 || seg[0] & 0xffc0 == 0xfec0 {
        Some("a private (unique local) address")
    } else if seg[0] & 0xffc0 == 0xfe80 {
        Some("a link-local address")
    } else if ip.is_multicast() {
        Some("a multicast address")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(ip: &str) -> Option<&'static str> {
        forbidden_reason(ip.parse().expect("an address"))
    }

    #[test]
    fn wildcards_cover_their_resource_only() {
        assert!(matches("customer.*", "customer.created"));
        assert!(matches("*", "campaign.completed"));
        assert!(matches("lead.converted", "lead.converted"));
        assert!(!matches("customer.*", "customers.created"));
        assert!(!matches("lead.created", "lead.updated"));
        assert!(!matches("customer*", "customer.created"));
    }

    #[test]
    fn unknown_events_are_named() {
        let mut p = Problems::default();
        let got = check_events(&mut p, "events", &["customer.*".into(), "order.shipped".into(), "customer.*".into()]);
        assert_eq!(got, ["customer.*"]);
        assert_eq!(p.0.len(), 1);
        assert!(p.0[0].message.contains("\"order.shipped\""), "{}", p.0[0].message);
        for bad in ["foo.*", "*.*", "customer.**", ""] {
            assert!(!is_known(bad), "{bad}");
        }
        assert!(is_known("service_request.*") && is_known("*"));
    }

    #[test]
    fn signature_is_hmac_sha256_of_timestamp_dot_body() {
        // Computed independently:
        // printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        assert_eq!(
            sign("whsec_test", 1_700_000_000, br#"{"a":1}"#),
            "38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
        let h = signature_header("k", 5, b"x");
        assert!(h.starts_with("t=5,v1=") && h.len() == "t=5,v1=".len() + 64, "{h}");
        assert_ne!(sign("k", 5, b"x"), sign("k", 6, b"x"), "the timestamp is signed");
        assert_ne!(sign("k", 5, b"x"), sign("l", 5, b"x"), "the secret matters");
    }

    #[test]
    fn private_and_special_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "fd00::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(reason(ip).is_some(), "{ip} must be refused");
        }
        for ip in ["8.8.8.8", "172.32.0.1", "100.128.0.1", "93.184.216.34", "2606:4700::1111", "::ffff:1.1.1.1"] {
            assert_eq!(reason(ip), None, "{ip} is public");
        }
        assert_eq!(reason("100.64.0.1"), Some("a shared (CGNAT) address"));
        assert_eq!(reason("fd12::1"), Some("a private (unique local) address"));
    }

    #[test]
    fn every_wildcard_is_known_and_every_resource_has_one() {
        for w in WILDCARDS {
            assert!(is_known(w), "{w}");
        }
        for e in EVENTS {
            let resource = e.split('.').next().unwrap_or_default();
            assert!(WILDCARDS.contains(&format!("{resource}.*").as_str()), "{e}");
        }
    }
}
