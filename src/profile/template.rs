//! `{Name}` placeholders in profile strings (base URL, credential values, paths). Expansion takes
//! a lookup function so the same code serves settings, parent keys and job ids. In a URL
//! ([`expand_url`]) a value's place decides what it may be: in the host, a DNS label and nothing
//! else (a value such as `evil.example/x` would move the request, and its credentials, to another
//! server); in the path or the query, anything, percent-encoded.

/// The placeholder names in `template`, in order.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                out.push(&after[..end]);
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

/// Replaces each `{Name}` by `lookup(Name)`; the first name without a value is the error.
pub fn expand<F>(template: &str, mut lookup: F) -> Result<String, &str>
where
    F: FnMut(&str) -> Option<String>,
{
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let name = &after[..end];
        out.push_str(&lookup(name).ok_or(name)?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Why a URL template could not be expanded.
#[derive(Debug, PartialEq, Eq)]
pub enum UrlTemplateError<'t> {
    /// No value for this placeholder.
    Missing(&'t str),
    /// This placeholder sits in the host and its value is not a DNS label.
    NotAHostLabel(&'t str),
}

/// Where in a URL template a placeholder stands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum UrlPart {
    /// Before the host (`{Base}/v1`, `{Scheme}://…`): the value is a URL of its own, checked
    /// as one when the result is parsed.
    Leading,
    Host,
    Path,
    Query,
}

/// Expands a URL template: values in the host must be DNS labels (letters, digits, hyphens, at
/// most 63, not starting or ending with a hyphen); values in the path are encoded as one path
/// segment and values in the query or fragment as a query component.
pub fn expand_url<F>(template: &str, mut lookup: F) -> Result<String, UrlTemplateError<'_>>
where
    F: FnMut(&str) -> Option<String>,
{
    let authority_start = template.find("://").map(|i| i + 3);
    let part_at = |pos: usize| -> UrlPart {
        let Some(authority) = authority_start else {
            return if pos == 0 {
                UrlPart::Leading
            } else if template[..pos].contains(['?', '#']) {
                UrlPart::Query
            } else {
                UrlPart::Path
            };
        };
        if pos < authority {
            UrlPart::Leading
        } else if template[authority..pos].contains(['?', '#']) {
            UrlPart::Query
        } else if !template[authority..pos].contains('/') {
            UrlPart::Host
        } else {
            UrlPart::Path
        }
    };
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    let mut offset = 0;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let name = &after[..end];
        let value = lookup(name).ok_or(UrlTemplateError::Missing(name))?;
        match part_at(offset + start) {
            UrlPart::Leading => out.push_str(&value),
            UrlPart::Host if is_dns_label(&value) => out.push_str(&value),
            UrlPart::Host => return Err(UrlTemplateError::NotAHostLabel(name)),
            UrlPart::Path => out.push_str(&encode_segment(&value)),
            UrlPart::Query => out.push_str(&encode_query(&value)),
        }
        offset += start + 1 + end + 1;
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A DNS label: 1 to 63 letters, digits and hyphens, not beginning or ending with a hyphen.
pub fn is_dns_label(value: &str) -> bool {
    (1..=63).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !value.starts_with('-')
        && !value.ends_with('-')
}

/// A value placed in a URL path segment: everything but RFC 3986's unreserved characters encoded.
pub fn encode_segment(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A value placed in a query: encoded like a path segment, so `&`, `=` and `#` stay inside it.
fn encode_query(v: &str) -> String {
    encode_segment(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_values_are_checked_by_where_they_stand() {
        let value = |v: &'static str| move |_: &str| Some(v.to_string());
        let host = "https://{AccountName}.talkdeskid.com/oauth/token";
        assert_eq!(
            expand_url(host, value("acme-1")),
            Ok("https://acme-1.talkdeskid.com/oauth/token".into())
        );
        for bad in [
            "attacker.example/x",
            "x@evil.example",
            "a#b",
            "a:1",
            "a%2e",
            "a b",
            "",
            "-acme",
            "ümlaut",
        ] {
            assert_eq!(
                expand_url(host, value(bad)),
                Err(UrlTemplateError::NotAHostLabel("AccountName")),
                "{bad}"
            );
        }
        assert_eq!(
            expand_url(
                "https://api.example.com/sites/{Site}/x?q={Q}",
                value("a/b?c=d&e")
            ),
            Ok("https://api.example.com/sites/a%2Fb%3Fc%3Dd%26e/x?q=a%2Fb%3Fc%3Dd%26e".into())
        );
        assert_eq!(
            expand_url("{Base}/x", |_| None),
            Err(UrlTemplateError::Missing("Base"))
        );
        assert_eq!(
            expand_url("{Base}/x", value("https://eu.example.com/api")),
            Ok("https://eu.example.com/api/x".into())
        );
    }

    #[test]
    fn expands_and_reports_missing() {
        let f = |n: &str| (n == "A").then(|| "x".to_string());
        assert_eq!(expand("https://{A}.io/{A}", f), Ok("https://x.io/x".into()));
        assert_eq!(expand("{A}-{B}", f), Err("B"));
        assert_eq!(placeholders("/c/{id}/a/{b}"), vec!["id", "b"]);
    }
}
