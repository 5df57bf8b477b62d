//! One webhook attempt: re-check the target (its host may resolve elsewhere since it was
//! saved), then POST the body, signed, to exactly the addresses checked — redirects are
//! never followed. A 2xx answer is delivery; anything else is worth a retry, except a
//! target that is not allowed, which fails for good.

use std::time::Duration;

use rapport_domain::rules::webhooks::signature_header;
use rapport_domain::services::webhooks::queue::Outgoing;
use rapport_domain::services::webhooks::target::{self, TargetPolicy};

/// How one attempt went.
#[derive(Debug, PartialEq, Eq)]
pub enum Attempt {
    /// A 2xx answer with this status.
    Delivered(u16),
    /// No 2xx answer: the status if any, why, and whether retrying is pointless.
    Failed { code: Option<u16>, reason: String, permanent: bool },
}

fn failed(code: Option<u16>, reason: String, permanent: bool) -> Attempt {
    Attempt::Failed { code, reason, permanent }
}

/// Sends `out` signed with timestamp `t` (unix seconds).
pub async fn send(out: &Outgoing, t: i64, allow_private: bool, timeout: Duration) -> Attempt {
    let target = match target::check(&out.url, TargetPolicy { allow_private }).await {
        Ok(t) => t,
        // Not resolving may pass; a forbidden address stays forbidden.
        Err(r) if r.unresolved => return failed(None, r.reason, false),
        Err(r) => return failed(None, format!("refused: {}", r.reason), true),
    };
    let mut builder = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("Rapport-Webhooks/1");
    if let Some(domain) = &target.domain {
        // Connect only to the addresses just checked (no second lookup to rebind).
        builder = builder.resolve_to_addrs(domain, &target.addrs);
    }
    let client = match builder.build() {
        Ok(c) => c,
        Err(e) => return failed(None, format!("http client: {e}"), false),
    };
    let res = client
        .post(target.url)
        .header("Content-Type", "application/json")
        .header("X-Rapport-Event", &out.event_type)
        .header("X-Rapport-Delivery", out.id.to_string())
        .header("X-Rapport-Signature", signature_header(&out.secret, t, out.body.as_bytes()))
        .body(out.body.clone())
        .send()
        .await;
    match res {
        Ok(r) if r.status().is_success() => Attempt::Delivered(r.status().as_u16()),
        Ok(r) => {
            let status = r.status();
            let hint = if status.is_redirection() { " (redirects are not followed)" } else { "" };
            failed(Some(status.as_u16()), format!("answered {status}{hint}"), false)
        }
        Err(e) if e.is_timeout() => failed(None, format!("no answer within {} ms", timeout.as_millis()), false),
        Err(e) => failed(None, chain(&e), false),
    }
}

/// An error with its causes: reqwest's own message rarely says what went wrong.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}
