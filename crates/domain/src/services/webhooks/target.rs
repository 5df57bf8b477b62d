//! Where a webhook may point: an http(s) URL whose host resolves only to public
//! addresses (unless private targets are allowed by configuration). Checked when a
//! subscription is saved and again before every send, since DNS answers change.

use std::net::{IpAddr, SocketAddr};

use url::{Host, Url};

use crate::rules::webhooks::forbidden_reason;

/// Longest URL accepted.
pub const MAX_URL_LEN: usize = 2000;

/// Whether webhooks may reach loopback, private and other non-public addresses
/// (`RAPPORT_ALLOW_PRIVATE_WEBHOOKS`; for tests and closed networks).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TargetPolicy {
    pub allow_private: bool,
}

/// A checked target: the URL and the addresses its host resolved to (connect only to these).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub url: Url,
    /// The host name as resolved (`None` for an IP literal).
    pub domain: Option<String>,
    pub addrs: Vec<SocketAddr>,
}

/// Parses the URL's form: http or https, a host, no user or password, not too long.
///
/// # Errors
/// What is wrong, in words for a field error.
pub fn parse_url(text: &str) -> Result<Url, String> {
    let text = text.trim();
    if text.chars().count() > MAX_URL_LEN {
        return Err(format!("must be at most {MAX_URL_LEN} characters"));
    }
    let url = Url::parse(text).map_err(|e| format!("is not a valid URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("must be an http or https URL".into());
    }
    if url.host().is_none() {
        return Err("must name a host".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry a user name or password".into());
    }
    Ok(url)
}

/// Why a target was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    /// In words, for a field error or a delivery's last error.
    pub reason: String,
    /// The host did not resolve (perhaps only for now), rather than being forbidden.
    pub unresolved: bool,
}

impl From<String> for Refused {
    fn from(reason: String) -> Self {
        Self { reason, unresolved: false }
    }
}

/// Parses and resolves `text`, refusing hosts with a forbidden address under `policy`.
///
/// # Errors
/// What is wrong, as a [`Refused`].
pub async fn check(text: &str, policy: TargetPolicy) -> Result<Target, Refused> {
    let url = parse_url(text)?;
    let port = url.port_or_known_default().unwrap_or(80);
    let (domain, ips): (Option<String>, Vec<IpAddr>) = match url.host() {
        Some(Host::Ipv4(ip)) => (None, vec![IpAddr::V4(ip)]),
        Some(Host::Ipv6(ip)) => (None, vec![IpAddr::V6(ip)]),
        Some(Host::Domain(d)) => {
            let found = tokio::net::lookup_host((d, port))
                .await
                .map_err(|e| Refused { reason: format!("host {d} could not be resolved ({e})"), unresolved: true })?;
            (Some(d.to_owned()), found.map(|a| a.ip()).collect())
        }
        None => return Err(String::from("must name a host").into()),
    };
    if ips.is_empty() {
        return Err(Refused { reason: "host has no address".into(), unresolved: true });
    }
    if !policy.allow_private {
        for ip in &ips {
            if let Some(reason) = forbidden_reason(*ip) {
                return Err(format!("points at {reason} ({ip}); webhooks go to public addresses only").into());
            }
        }
    }
    let addrs = ips.into_iter().map(|ip| SocketAddr::new(ip, port)).collect();
    Ok(Target { url, domain, addrs })
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: TargetPolicy = TargetPolicy { allow_private: false };

    #[tokio::test]
    async fn loopback_and_private_targets_are_refused_unless_allowed() {
        for url in [
            "http://127.0.0.1:8080/x",
            "http://localhost/x",
            "https://[::1]/",
            "http://10.0.0.7/",
            "http://169.254.169.254/latest",
        ] {
            assert!(check(url, STRICT).await.is_err(), "{url}");
        }
        let t = check("http://127.0.0.1:9/hook", TargetPolicy { allow_private: true }).await.expect("allowed");
        assert_eq!(t.addrs, ["127.0.0.1:9".parse().expect("addr")]);
    }

    #[test]
    fn only_plain_http_urls_are_accepted() {
        assert!(parse_url("ftp://example.com/").is_err());
        assert!(parse_url("https://user:pw@example.com/").is_err());
        assert!(parse_url("not a url").is_err());
        assert!(parse_url("https://example.com/hooks?x=1").is_ok());
    }
}
