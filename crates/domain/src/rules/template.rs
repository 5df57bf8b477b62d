//! Campaign templates: text with `{{placeholder}}`s, checked when a campaign is saved
//! and filled in per customer when a message is sent.
//!
//! The syntax is deliberately small: `{{ name }}` (spaces inside the braces allowed)
//! names one of [`PLACEHOLDERS`]; nothing else is special. An unknown name, an empty
//! `{{}}` or a `{{` without its `}}` is refused at save time, so that a template that
//! was accepted always renders.

use std::fmt::Write as _;

/// Every placeholder a template may use, with what it becomes.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("name", "the customer's name"),
    ("first_name", "the first word of the customer's name"),
    ("email", "the customer's email"),
    ("phone", "the customer's phone"),
    ("city", "the customer's city"),
    ("company", "the customer's company"),
    ("first_recommended_product", "the name of the customer's first product recommendation"),
    ("unsubscribe_url", "a link that opts the customer out of the campaign's channel"),
];

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(String),
    Var(&'static str),
}

/// A parsed template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

/// Why a template was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError(pub String);

impl Template {
    /// Parses `text`.
    ///
    /// # Errors
    /// An unknown or empty placeholder, or `{{` without `}}`.
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_owned()));
            }
            let after = &rest[open + 2..];
            let close = after.find("}}").ok_or_else(|| {
                TemplateError(format!("`{{{{` at character {} is never closed", offset(text, rest) + open))
            })?;
            let name = after[..close].trim();
            let known = PLACEHOLDERS.iter().find(|(n, _)| *n == name).map(|(n, _)| *n).ok_or_else(|| {
                let names: Vec<&str> = PLACEHOLDERS.iter().map(|(n, _)| *n).collect();
                TemplateError(format!("unknown placeholder {{{{{name}}}}}; known: {}", names.join(", ")))
            })?;
            parts.push(Part::Var(known));
            rest = &after[close + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        Ok(Self { parts })
    }

    /// Whether the template uses `placeholder`.
    pub fn uses(&self, placeholder: &str) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Var(v) if *v == placeholder))
    }

    /// The text with every placeholder replaced by `value(name)`.
    pub fn render(&self, value: impl Fn(&str) -> String) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Var(v) => out.push_str(&value(v)),
            }
        }
        out
    }
}

fn offset(whole: &str, part: &str) -> usize {
    part.as_ptr() as usize - whole.as_ptr() as usize
}

/// The http(s) links in a rendered text, in order, without repeats.
pub fn links(text: &str) -> Vec<String> {
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    let mut out: Vec<String> = Vec::new();
    for l in finder.links(text) {
        let s = l.as_str();
        if (s.starts_with("http://") || s.starts_with("https://")) && !out.iter().any(|o| o == s) {
            out.push(s.to_owned());
        }
    }
    out
}

/// Replaces each link for which `rewrite` returns `Some` by that value; `escape` is
/// applied to the text between links (identity for plain text, HTML escaping for HTML),
/// and `wrap` turns (original link, rewritten link) into the output for the link.
pub fn rewrite_links(
    text: &str,
    rewrite: impl Fn(&str) -> Option<String>,
    escape: impl Fn(&str) -> String,
    wrap: impl Fn(&str, &str) -> String,
) -> String {
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    let mut out = String::new();
    for span in finder.spans(text) {
        match span.kind() {
            Some(linkify::LinkKind::Url) => match rewrite(span.as_str()) {
                Some(to) => out.push_str(&wrap(span.as_str(), &to)),
                None => out.push_str(&wrap(span.as_str(), span.as_str())),
            },
            _ => out.push_str(&escape(span.as_str())),
        }
    }
    out
}

/// The plain text as simple HTML: escaped, line breaks kept, links as anchors (to the
/// rewritten, tracked address) and an open-tracking pixel at the end.
pub fn html_body(text: &str, tracked: impl Fn(&str) -> Option<String>, pixel: Option<&str>) -> String {
    let escape = |s: &str| html_escape::encode_text(s).replace('\n', "<br>\n");
    let anchor = |orig: &str, to: &str| {
        format!(
            "<a href=\"{}\">{}</a>",
            html_escape::encode_double_quoted_attribute(to),
            html_escape::encode_text(orig)
        )
    };
    let mut html = String::from("<!doctype html>\n<html><body>\n<p>");
    html.push_str(&rewrite_links(text, tracked, escape, anchor));
    html.push_str("</p>\n");
    if let Some(src) = pixel {
        let _ = writeln!(
            html,
            "<img src=\"{}\" width=\"1\" height=\"1\" alt=\"\">",
            html_escape::encode_double_quoted_attribute(src)
        );
    }
    html.push_str("</body></html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(name: &str) -> String {
        match name {
            "name" => "Li <Lei>".into(),
            "city" => "Shenzhen".into(),
            other => format!("[{other}]"),
        }
    }

    #[test]
    fn placeholders_are_filled_in_with_spaces_allowed() {
        let t = Template::parse("Hello {{name}} from {{ city }}!").unwrap();
        assert_eq!(t.render(values), "Hello Li <Lei> from Shenzhen!");
        assert!(t.uses("city"));
        assert!(!t.uses("email"));
    }

    #[test]
    fn unknown_empty_and_unclosed_placeholders_are_refused() {
        let e = Template::parse("Hi {{nmae}}").unwrap_err();
        assert!(e.0.contains("unknown placeholder {{nmae}}"), "{}", e.0);
        assert!(e.0.contains("first_recommended_product"), "{}", e.0);
        assert!(Template::parse("Hi {{}}").is_err());
        let e = Template::parse("Hi {{name").unwrap_err();
        assert!(e.0.contains("never closed"), "{}", e.0);
        assert!(e.0.contains("character 3"), "{}", e.0);
    }

    #[test]
    fn text_without_placeholders_and_single_braces_pass_through() {
        let t = Template::parse("{ not a placeholder } and }} alone").unwrap();
        assert_eq!(t.render(values), "{ not a placeholder } and }} alone");
    }

    #[test]
    fn links_are_found_once_each_and_only_http() {
        let l = links("See https://a.example/x?y=1, then http://b.example. Again https://a.example/x?y=1 mailto:x@y.z");
        assert_eq!(l, vec!["https://a.example/x?y=1".to_owned(), "http://b.example".to_owned()]);
    }

    #[test]
    fn html_escapes_text_and_tracks_links() {
        let html =
            html_body("A <b> & https://shop.example/p?a=1&b=2\nbye", |u| Some(format!("T({u})")), Some("P?x=\"1\""));
        assert!(html.contains("A &lt;b&gt; &amp; "), "{html}");
        assert!(
            html.contains("<a href=\"T(https://shop.example/p?a=1&amp;b=2)\">https://shop.example/p?a=1&amp;b=2</a>"),
            "{html}"
        );
        assert!(html.contains("<br>\nbye"), "{html}");
        assert!(html.contains("<img src=\"P?x=&quot;1&quot;\""), "{html}");
    }
}
