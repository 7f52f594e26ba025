//! `{Name}` placeholders in profile strings (base URL, credential values, paths). Expansion takes
//! a lookup function so the same code serves settings, parent keys and job ids.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_and_reports_missing() {
        let f = |n: &str| (n == "A").then(|| "x".to_string());
        assert_eq!(expand("https://{A}.io/{A}", f), Ok("https://x.io/x".into()));
        assert_eq!(expand("{A}-{B}", f), Err("B"));
        assert_eq!(placeholders("/c/{id}/a/{b}"), vec!["id", "b"]);
    }
}
