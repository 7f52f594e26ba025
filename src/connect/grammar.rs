//! The connection-string grammar: `key=value` pairs separated by `;`, values optionally wrapped in
//! `{…}` (ODBC) or in `'…'` / `"…"` (the seed documents' style), keys compared case-insensitively.
//! It owns parsing and re-serialising only; what a key means is `settings.rs`'s business. Error
//! messages name keys and positions but never echo text that could be part of a secret value.

use std::collections::HashMap;
use std::fmt;

use crate::error::{ConnectError, Error, Result};

/// Ordered `(key, value)` pairs; the key keeps the user's spelling, lookups ignore case.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Attributes {
    entries: Vec<(String, String)>,
    /// Lower-cased key to its entry, so a string of thousands of keys parses in linear time
    /// (a linear search per key made 20,000 keys take a minute).
    positions: HashMap<String, usize>,
    duplicates: Vec<String>,
    /// Keys whose value was written in quotes and holds `;`: driver managers split such a value.
    quoted_semicolons: Vec<String>,
}

impl Attributes {
    pub fn new() -> Attributes {
        Attributes::default()
    }

    /// The value of `key`, compared case-insensitively.
    pub fn get(&self, key: &str) -> Option<&str> {
        let position = *self.positions.get(&key.to_ascii_lowercase())?;
        self.entries.get(position).map(|(_, v)| v.as_str())
    }

    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Adds `key=value` unless the key is already present; returns whether it was added. Explicit
    /// connection-string keys are inserted first, so DSN keys merged this way never override them.
    pub fn insert_if_absent(&mut self, key: impl Into<String>, value: impl Into<String>) -> bool {
        let key = key.into();
        if self.contains(&key) {
            return false;
        }
        self.push_entry(key, value.into());
        true
    }

    fn push_entry(&mut self, key: String, value: String) {
        self.positions
            .insert(key.to_ascii_lowercase(), self.entries.len());
        self.entries.push((key, value));
    }

    /// Removes `key` and returns its value.
    #[cfg(test)]
    pub fn remove(&mut self, key: &str) -> Option<String> {
        let pos = self.positions.remove(&key.to_ascii_lowercase())?;
        for position in self.positions.values_mut() {
            if *position > pos {
                *position -= 1;
            }
        }
        Some(self.entries.remove(pos).1)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Keys that appeared again after their first occurrence, as spelled the second time. The ODBC
    /// rule is that the first one wins; the caller decides whether to warn.
    pub fn duplicates(&self) -> &[String] {
        &self.duplicates
    }

    /// Keys whose value was quoted (`'…'` or `"…"`) and holds `;`, as spelled. unixODBC does not
    /// honour quotes, so it reads such a value as several keys before the driver sees it; only
    /// braces are safe. The caller decides whether to warn.
    pub fn quoted_semicolons(&self) -> &[String] {
        &self.quoted_semicolons
    }

    /// The connection string SQLDriverConnect hands back: every key but the secrets (passwords,
    /// tokens, keys, client secrets, codes; inside ProfileSettings too), which the application
    /// already has and which applications print and store (R's `print(channel)`, an Excel
    /// workbook). A ProfileSettings left with nothing is left out.
    pub fn completed_without_secrets(&self) -> String {
        let mut shown = Attributes::new();
        for (k, v) in &self.entries {
            if is_secret_name(k) {
                continue;
            }
            if k.eq_ignore_ascii_case("ProfileSettings") {
                // A value that does not parse is dropped whole: it may hold anything.
                let Ok(nested) = parse_nested(v) else {
                    continue;
                };
                let kept = nested.completed_without_secrets();
                if !kept.is_empty() {
                    shown.insert_if_absent(k.clone(), kept);
                }
                continue;
            }
            shown.insert_if_absent(k.clone(), v.clone());
        }
        shown.to_connection_string()
    }

    /// Serialises back to `key=value;key=value`, bracing values the plain form would misread.
    /// The result contains secrets as they are: never something to show or log (see
    /// [`Attributes::completed_without_secrets`]).
    pub fn to_connection_string(&self) -> String {
        let mut out = String::new();
        for (i, (k, v)) in self.entries.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            out.push_str(k);
            out.push('=');
            if needs_braces(v) {
                out.push('{');
                out.push_str(&v.replace('}', "}}"));
                out.push('}');
            } else {
                out.push_str(v);
            }
        }
        out
    }

    fn push_parsed(&mut self, key: String, value: String) {
        if self.contains(&key) {
            self.duplicates.push(key);
        } else {
            self.push_entry(key, value);
        }
    }
}

impl fmt::Debug for Attributes {
    // Attribute lists carry passwords and tokens; a stray `{:?}` must not leak them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (k, v) in &self.entries {
            if is_secret_name(k) {
                map.entry(k, &crate::secret::Secret::MASK);
            } else if k.eq_ignore_ascii_case("ProfileSettings") {
                // A nested string: its own secret keys are masked the same way, whole.
                match parse_nested(v) {
                    Ok(nested) => map.entry(k, &nested),
                    Err(_) => map.entry(k, &crate::secret::Secret::MASK),
                };
            } else {
                map.entry(k, v);
            }
        }
        map.finish()
    }
}

/// Whether a property name holds a secret ([`crate::secret::names_a_secret`]).
pub fn is_secret_name(name: &str) -> bool {
    crate::secret::names_a_secret(name)
}

fn needs_braces(v: &str) -> bool {
    v.contains([';', '{', '}', '='])
        || v.starts_with(['\'', '"'])
        || v.starts_with(char::is_whitespace)
        || v.ends_with(char::is_whitespace)
}

/// Parses a connection string. The first occurrence of a repeated key wins.
pub fn parse(s: &str) -> Result<Attributes> {
    parse_with(s, "The connection string")
}

/// Parses a nested settings string such as the inside of `ProfileSettings='APIKey=k;Region=eu'`
/// (the outer quotes already removed). Same grammar; errors say where the text came from.
pub fn parse_nested(s: &str) -> Result<Attributes> {
    parse_with(s, "ProfileSettings")
}

fn syntax_error(context: &str, message: String) -> Error {
    Error::new(
        ConnectError::InvalidSyntax,
        format!("{context} is malformed: {message}"),
    )
}

fn parse_with(s: &str, context: &str) -> Result<Attributes> {
    let chars: Vec<char> = s.chars().collect();
    let mut attrs = Attributes::new();
    let mut i = 0;
    // The last key read, used to explain a missing `=` without echoing the stray text, which may
    // well be the tail of an unbraced password that contained a `;`.
    let mut previous_key: Option<String> = None;

    while i < chars.len() {
        let seg_start = i;
        while i < chars.len() && chars[i] != '=' && chars[i] != ';' {
            i += 1;
        }
        let raw_key: String = chars[seg_start..i].iter().collect();
        let key = raw_key.trim().to_string();
        if i >= chars.len() || chars[i] == ';' {
            if !key.is_empty() {
                let pos =
                    seg_start + 1 + raw_key.chars().count() - raw_key.trim_start().chars().count();
                let hint = match &previous_key {
                    Some(prev) if is_secret_name(prev) => format!(
                        "the text at position {pos} after property '{prev}' has no '='; if the value of '{prev}' contains ';', enclose it in braces, e.g. {prev}={{a;b}}"
                    ),
                    Some(prev) => format!(
                        "'{}' at position {pos} (after property '{prev}') has no '='; write key=value, and enclose values containing ';' in braces",
                        shorten(&key)
                    ),
                    None => format!(
                        "'{}' at position {pos} has no '='; write key=value pairs separated by ';'",
                        shorten(&key)
                    ),
                };
                return Err(syntax_error(context, hint));
            }
            i += 1;
            continue;
        }
        if key.is_empty() {
            return Err(syntax_error(
                context,
                format!(
                    "there is an '=' without a property name at position {}; write key=value",
                    i + 1
                ),
            ));
        }
        // Skip the `=` and the blanks before the value.
        i += 1;
        while i < chars.len() && chars[i] != ';' && chars[i].is_whitespace() {
            i += 1;
        }
        let value;
        if i < chars.len() && matches!(chars[i], '{' | '\'' | '"') {
            let open = chars[i];
            let close = if open == '{' { '}' } else { open };
            let open_pos = i + 1;
            i += 1;
            let mut v = String::new();
            let mut closed = false;
            while i < chars.len() {
                if chars[i] == close {
                    if i + 1 < chars.len() && chars[i + 1] == close {
                        v.push(close);
                        i += 2;
                        continue;
                    }
                    i += 1;
                    closed = true;
                    break;
                }
                v.push(chars[i]);
                i += 1;
            }
            if !closed {
                let how = if open == '{' {
                    "close it with '}' (write a literal '}' inside as '}}')".to_string()
                } else {
                    format!("close it with {open} (write a literal {open} inside as {open}{open})")
                };
                return Err(syntax_error(
                    context,
                    format!(
                        "the value of '{key}' opens {open} at position {open_pos} and never closes it; {how}"
                    ),
                ));
            }
            while i < chars.len() && chars[i] != ';' {
                if !chars[i].is_whitespace() {
                    return Err(syntax_error(
                        context,
                        format!(
                            "the value of '{key}' has text after its closing {close} at position {}; put ';' after the closing {close} or move the text inside",
                            i + 1
                        ),
                    ));
                }
                i += 1;
            }
            if open != '{' && v.contains(';') {
                attrs.quoted_semicolons.push(key.clone());
            }
            value = v;
        } else {
            let start = i;
            while i < chars.len() && chars[i] != ';' {
                i += 1;
            }
            value = chars[start..i]
                .iter()
                .collect::<String>()
                .trim_end()
                .to_string();
        }
        // Step over the `;` (or the end).
        i += 1;
        previous_key = Some(key.clone());
        attrs.push_parsed(key, value);
    }
    Ok(attrs)
}

fn shorten(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{state, ErrorKind};

    #[test]
    fn plain_pairs_trimmed_and_case_insensitive() {
        let a = parse(" Profile = pipedrive ; AuthScheme=OAuth;;  ").unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!(a.get("profile"), Some("pipedrive"));
        assert_eq!(a.get("AUTHSCHEME"), Some("OAuth"));
        assert!(a.contains("authscheme"));
        assert!(!a.contains("User"));
        let keys: Vec<&str> = a.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["Profile", "AuthScheme"]);
    }

    #[test]
    fn seed_example_parses() {
        let a = parse("Profile=C:\\profiles\\LeadDesk.apip;Authscheme=OAuth;InitiateOAuth=GetAndRefresh;OAuthClientId=my_app_id;OAuthClientSecret=my_app_secret;User=my_login_username;Password=my_login_password;").unwrap();
        assert_eq!(a.get("profile"), Some("C:\\profiles\\LeadDesk.apip"));
        assert_eq!(a.get("password"), Some("my_login_password"));
        assert_eq!(a.len(), 7);
    }

    #[test]
    fn braces_hold_semicolons_and_doubled_close() {
        let a = parse("PWD={a;b}}c{d};UID=me").unwrap();
        assert_eq!(a.get("pwd"), Some("a;b}c{d"));
        assert_eq!(a.get("uid"), Some("me"));
        let a = parse("X={  spaced  }").unwrap();
        assert_eq!(a.get("x"), Some("  spaced  "));
    }

    #[test]
    fn quotes_single_and_double() {
        let a =
            parse("ProfileSettings='APIKey=k;CompanyDomain=acme';B=\"say \"\"hi\"\"\";C='it''s'")
                .unwrap();
        assert_eq!(
            a.get("profilesettings"),
            Some("APIKey=k;CompanyDomain=acme")
        );
        assert_eq!(a.get("b"), Some("say \"hi\""));
        assert_eq!(a.get("c"), Some("it's"));
    }

    #[test]
    fn nested_profile_settings() {
        let outer =
            parse("Profile=helpscout-docs;ProfileSettings='APIKey=my_api_key;Site={a;b}'").unwrap();
        let inner = parse_nested(outer.get("ProfileSettings").unwrap()).unwrap();
        assert_eq!(inner.get("apikey"), Some("my_api_key"));
        assert_eq!(inner.get("site"), Some("a;b"));
        let err = parse_nested("APIKey={abc").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Connect(ConnectError::InvalidSyntax));
        assert!(err
            .message
            .starts_with("[apiodbc] ProfileSettings is malformed"));
    }

    #[test]
    fn first_occurrence_wins_and_duplicates_are_recorded() {
        let a = parse("User=first;user=second;USER=third;Other=1").unwrap();
        assert_eq!(a.get("User"), Some("first"));
        assert_eq!(a.len(), 2);
        assert_eq!(a.duplicates(), ["user".to_string(), "USER".to_string()]);
    }

    #[test]
    fn empty_values_and_empty_segments() {
        let a = parse(";;Timeout=;;DSN=x;").unwrap();
        assert_eq!(a.get("timeout"), Some(""));
        assert_eq!(a.get("dsn"), Some("x"));
        assert!(parse("").unwrap().is_empty());
        assert!(parse(" ; ; ").unwrap().is_empty());
    }

    #[test]
    fn missing_equals_names_key_and_position() {
        let err = parse("DSN=x;Foo;Bar=1").unwrap_err();
        assert_eq!(err.state, state::UNABLE_TO_CONNECT);
        assert_eq!(err.kind, ErrorKind::Connect(ConnectError::InvalidSyntax));
        assert!(err.message.starts_with("[apiodbc] "), "{}", err.message);
        assert!(
            err.message.contains("'Foo' at position 7"),
            "{}",
            err.message
        );
        assert!(
            err.message.contains("after property 'DSN'"),
            "{}",
            err.message
        );
    }

    #[test]
    fn missing_equals_after_a_secret_does_not_echo_the_text() {
        let err = parse("PWD=abc;def;UID=u").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Connect(ConnectError::InvalidSyntax));
        assert!(!err.message.contains("def"), "{}", err.message);
        assert!(err.message.contains("'PWD'"), "{}", err.message);
        assert!(err.message.contains("position 9"), "{}", err.message);
    }

    #[test]
    fn unterminated_brace_and_quote_name_key_and_position() {
        let err = parse("UID=u; PWD = {abc;def").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Connect(ConnectError::InvalidSyntax));
        assert!(err.message.contains("'PWD'"), "{}", err.message);
        assert!(err.message.contains("position 14"), "{}", err.message);
        assert!(!err.message.contains("abc"), "{}", err.message);
        let err = parse("ProfileSettings='APIKey=k").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Connect(ConnectError::InvalidSyntax));
        assert!(err.message.contains("'ProfileSettings'"), "{}", err.message);
        assert!(err.message.contains("position 17"), "{}", err.message);
        let err = parse("A={x}y;B=1").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Connect(ConnectError::InvalidSyntax));
        assert!(
            err.message.contains("after its closing }"),
            "{}",
            err.message
        );
        let err = parse("=x").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Connect(ConnectError::InvalidSyntax));
        assert!(
            err.message.contains("without a property name"),
            "{}",
            err.message
        );
    }

    #[test]
    fn round_trip_through_connection_string() {
        let mut a = Attributes::new();
        a.insert_if_absent("DSN", "x");
        a.insert_if_absent("PWD", "a;b}c");
        a.insert_if_absent("Scope", " leading");
        a.insert_if_absent("Q", "'quoted'");
        a.insert_if_absent("Eq", "k=v");
        a.insert_if_absent("Empty", "");
        a.insert_if_absent("Path", "C:\\x y\\z");
        let s = a.to_connection_string();
        assert_eq!(
            s,
            "DSN=x;PWD={a;b}}c};Scope={ leading};Q={'quoted'};Eq={k=v};Empty=;Path=C:\\x y\\z"
        );
        let back = parse(&s).unwrap();
        assert_eq!(back, a);
    }

    #[test]
    fn insert_if_absent_keeps_explicit_keys() {
        let mut a = parse("uid=explicit").unwrap();
        assert!(!a.insert_if_absent("UID", "from-dsn"));
        assert!(a.insert_if_absent("Timeout", "5"));
        assert_eq!(a.get("UID"), Some("explicit"));
        assert_eq!(a.remove("timeout"), Some("5".to_string()));
    }

    #[test]
    fn debug_masks_secret_values() {
        let a = parse("UID=me;PWD=hunter2;OAuthClientSecret=s3;ClientKey=k9;Profile=p").unwrap();
        let d = format!("{a:?}");
        for secret in ["hunter2", "s3", "k9"] {
            assert!(!d.contains(secret), "{d}");
        }
        assert!(d.contains("\"me\"") && d.contains("\"p\""), "{d}");
        let a = parse("ProfileSettings={OAuthSettingsPassphrase=a b c;Region=eu}").unwrap();
        let d = format!("{a:?}");
        assert!(!d.contains("a b c"), "{d}");
        assert!(d.contains("eu"), "{d}");
    }
}
