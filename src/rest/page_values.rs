//! The values a pager steers by (flags, offsets, totals, cursors, next URLs), read from a response
//! body strictly: each is absent (absent or JSON null), or parses as what the profile says it is,
//! or is an error naming the URL and the path. A value misread as "no more pages" would end a scan
//! early and return fewer rows than exist without an error, so nothing is guessed. APIs that send
//! numbers as strings (`"3"`) or as integral floats (`3.0`) are read as those numbers.

use serde_json::Value;

use crate::error::{ApiError, Error, Result};

/// Where a value came from, for the error message: the masked URL and the body path.
pub struct Origin<'a> {
    pub url: &'a str,
    pub path: &'a str,
}

impl Origin<'_> {
    fn unreadable(&self, value: &Value, what: &str) -> Error {
        let shown = crate::secret::excerpt(&value.to_string(), 80);
        Error::new(ApiError::Unexpected, format!(
            "The response from {} has {shown} at '{}', which is not {what}; the scan stopped instead of guessing whether more pages follow. Check the profile's pagination paths",
            self.url, self.path
        ))
    }
}

/// A whole number ≥ 0: a JSON integer, an integral float, or a string of digits.
pub fn count(value: &Value, origin: &Origin<'_>) -> Result<u64> {
    let parsed = match value {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0 && f.fract() == 0.0 && *f < 2f64.powi(63))
                .map(|f| f as u64)
        }),
        Value::String(s) => {
            let t = s.trim();
            if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
                t.parse().ok()
            } else {
                None
            }
        }
        _ => None,
    };
    parsed.ok_or_else(|| origin.unreadable(value, "a whole number"))
}

/// A boolean: JSON `true`/`false`, or the strings `"true"`/`"false"` in any case.
pub fn flag(value: &Value, origin: &Origin<'_>) -> Result<bool> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Ok(false),
        other => Err(origin.unreadable(other, "true or false")),
    }
}

/// A cursor or token: a string or a number, as text ("" means none).
pub fn token(value: &Value, origin: &Origin<'_>) -> Result<String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(origin.unreadable(other, "a cursor (text or a number)")),
    }
}

/// A link: a string ("" means none).
pub fn link(value: &Value, origin: &Origin<'_>) -> Result<String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        other => Err(origin.unreadable(other, "a URL")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use serde_json::json;

    const AT: Origin<'static> = Origin {
        url: "https://api.example.com/x",
        path: "meta.pages",
    };

    #[test]
    fn numbers_as_strings_and_integral_floats_are_numbers() {
        for v in [json!(3), json!("3"), json!(" 3 "), json!(3.0)] {
            assert_eq!(count(&v, &AT), Ok(3), "{v}");
        }
        for v in [
            json!(-1),
            json!(2.5),
            json!("three"),
            json!(""),
            json!(true),
            json!([3]),
        ] {
            let err = count(&v, &AT).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Api(ApiError::Unexpected), "{v}");
            assert!(err.message.contains("'meta.pages'"), "{}", err.message);
            assert!(
                err.message.contains("https://api.example.com/x"),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn flags_tokens_and_links() {
        assert_eq!(flag(&json!("TRUE"), &AT), Ok(true));
        assert_eq!(flag(&json!(false), &AT), Ok(false));
        assert!(flag(&json!(1), &AT).is_err());
        assert!(flag(&json!("yes"), &AT).is_err());
        assert_eq!(token(&json!(42), &AT), Ok("42".into()));
        assert!(token(&json!({"next": "x"}), &AT).is_err());
        assert_eq!(link(&json!("/p?page=2"), &AT), Ok("/p?page=2".into()));
        assert!(link(&json!({"href": "/p"}), &AT).is_err());
    }
}
