//! Filling a campaign's template in for one customer: the text, the HTML alternative
//! for email (tracked links, an open pixel), and the links a click may lead to.

use crate::entities::{campaign, customer};
use crate::rules::template::{self, Template};

/// Where tracking links point: the server's public address, e.g. `https://crm.example.com`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackingBase(pub String);

impl TrackingBase {
    fn base(&self) -> &str {
        self.0.trim_end_matches('/')
    }

    /// The open pixel of a message.
    pub fn open(&self, token: &str) -> String {
        format!("{}/t/o/{token}.gif", self.base())
    }

    /// The click redirect of a message to `url`.
    pub fn click(&self, token: &str, url: &str) -> String {
        let u: String = url::form_urlencoded::byte_serialize(url.as_bytes()).collect();
        format!("{}/t/c/{token}?u={u}", self.base())
    }

    /// The unsubscribe page of a message.
    pub fn unsubscribe(&self, token: &str) -> String {
        format!("{}/t/u/{token}", self.base())
    }
}

/// A message ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: Option<String>,
    /// Plain text; links go through the click redirect.
    pub text: String,
    /// Email only: the HTML alternative with tracked links and the open pixel.
    pub html: Option<String>,
    /// The links of the message as written: the only places a click may redirect to.
    pub links: Vec<String>,
    /// Email only: the unsubscribe link (for the `List-Unsubscribe` header).
    pub unsubscribe_url: Option<String>,
}

/// What a template can say about a customer.
pub struct Context<'a> {
    pub customer: &'a customer::Model,
    /// The name of the first recommended product, when the template asks for it.
    pub recommended: Option<String>,
    pub token: &'a str,
    pub base: &'a TrackingBase,
}

fn value(ctx: &Context<'_>, name: &str) -> String {
    let c = ctx.customer;
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    match name {
        "name" => c.name.clone(),
        "first_name" => c.name.split_whitespace().next().unwrap_or_default().to_owned(),
        "email" => s(&c.email),
        "phone" => s(&c.phone),
        "city" => s(&c.city),
        "company" => s(&c.company),
        "first_recommended_product" => ctx.recommended.clone().unwrap_or_default(),
        "unsubscribe_url" => ctx.base.unsubscribe(ctx.token),
        _ => String::new(),
    }
}

/// Whether a campaign's template needs product recommendations.
pub fn needs_recommendation(c: &campaign::Model) -> bool {
    let uses = |t: &str| Template::parse(t).is_ok_and(|t| t.uses("first_recommended_product"));
    uses(&c.body) || c.subject.as_deref().is_some_and(uses)
}

/// Renders `campaign` for one customer. Templates were checked when saved; one that no
/// longer parses renders as written.
pub fn render(c: &campaign::Model, ctx: &Context<'_>) -> Rendered {
    let fill = |text: &str| match Template::parse(text) {
        Ok(t) => t.render(|n| value(ctx, n)),
        Err(_) => text.to_owned(),
    };
    let subject = c.subject.as_deref().map(|s| fill(s).replace(['\r', '\n'], " "));
    let body = fill(&c.body);
    let unsubscribe = ctx.base.unsubscribe(ctx.token);
    let links: Vec<String> = template::links(&body).into_iter().filter(|l| *l != unsubscribe).collect();
    let tracked = |url: &str| (url != unsubscribe).then(|| ctx.base.click(ctx.token, url));
    let text = template::rewrite_links(&body, tracked, str::to_owned, |_, to| to.to_owned());
    let (html, unsubscribe_url) = if c.channel == "email" {
        (Some(template::html_body(&body, tracked, Some(&ctx.base.open(ctx.token)))), Some(unsubscribe))
    } else {
        (None, None)
    };
    Rendered { subject, text, html, links, unsubscribe_url }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::now;

    fn customer() -> customer::Model {
        customer::Model {
            id: 7,
            name: "Wang Fang".into(),
            name_lower: "wang fang".into(),
            email: Some("fang@example.com".into()),
            email_key: Some("fang@example.com".into()),
            phone: None,
            address: None,
            birthday: None,
            birthday_month: None,
            company: None,
            city: Some("Shenzhen".into()),
            owner_id: None,
            source: None,
            notes: None,
            created_at: now(),
            updated_at: now(),
            deleted_at: None,
            version: 1,
        }
    }

    fn campaign(channel: &str, body: &str) -> campaign::Model {
        campaign::Model {
            id: 1,
            name: "c".into(),
            goal: None,
            goal_metric: None,
            goal_target_cents: None,
            strategy: None,
            plan: None,
            channel: channel.into(),
            segment_id: None,
            subject: Some("Hello {{first_name}}\r\nBcc: x".into()),
            body: body.into(),
            budget_cents: None,
            cost_cents: 0,
            start_at: None,
            end_at: None,
            attribution_days: 14,
            status: "running".into(),
            targeted: 0,
            skipped_opt_out: 0,
            skipped_no_address: 0,
            created_by: None,
            launched_at: None,
            completed_at: None,
            created_at: now(),
            updated_at: now(),
            deleted_at: None,
            version: 1,
        }
    }

    #[test]
    fn email_gets_tracked_links_a_pixel_and_a_safe_subject() {
        let base = TrackingBase("https://crm.example/".into());
        let c = customer();
        let ctx = Context { customer: &c, recommended: Some("Tea".into()), token: "TOK", base: &base };
        let r = render(
            &campaign(
                "email",
                "{{name}} in {{city}}: try {{first_recommended_product}} https://shop.example/a?x=1 bye {{unsubscribe_url}}",
            ),
            &ctx,
        );
        assert_eq!(r.subject.as_deref(), Some("Hello Wang  Bcc: x"));
        assert_eq!(r.links, vec!["https://shop.example/a?x=1".to_owned()]);
        assert_eq!(
            r.text,
            "Wang Fang in Shenzhen: try Tea https://crm.example/t/c/TOK?u=https%3A%2F%2Fshop.example%2Fa%3Fx%3D1 bye https://crm.example/t/u/TOK"
        );
        let html = r.html.unwrap();
        assert!(html.contains("<img src=\"https://crm.example/t/o/TOK.gif\""), "{html}");
        assert!(
            html.contains("href=\"https://crm.example/t/c/TOK?u=https%3A%2F%2Fshop.example%2Fa%3Fx%3D1\""),
            "{html}"
        );
        assert!(html.contains("href=\"https://crm.example/t/u/TOK\""), "{html}");
        assert_eq!(r.unsubscribe_url.as_deref(), Some("https://crm.example/t/u/TOK"));
    }

    #[test]
    fn sms_has_no_html_but_tracked_links() {
        let base = TrackingBase("http://h".into());
        let c = customer();
        let ctx = Context { customer: &c, recommended: None, token: "T", base: &base };
        let r = render(&campaign("sms", "Sale: http://s.example/x"), &ctx);
        assert_eq!(r.text, "Sale: http://h/t/c/T?u=http%3A%2F%2Fs.example%2Fx");
        assert!(r.html.is_none());
    }
}
