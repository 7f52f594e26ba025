//! The escapes whose body is a literal: `{d …}`, `{t …}` and `{ts …}` (checked for a real date
//! and time, so the user is told which escape is wrong instead of getting a cast error from the
//! plan) and `{escape …}` after LIKE (rewritten to the backslash escapes DataFusion executes); and
//! the helpers that read and write `'…'` literals for the rest of the translation.
//!
//! It must not translate `{fn …}` (`functions` does) or scan for escapes (`mod.rs` does).

use crate::engine::errors::syntax;
use crate::engine::sql_lexer::{quoted_run, skip_opaque, QuoteKind, Quoting};
use crate::error::{Error, Result, SqlError};

/// `{escape 'c'}` after a LIKE pattern; `out` holds the translated text before it.
///
/// DataFusion 55 executes LIKE only with the backslash as escape character. For any other
/// character, a pattern written as a literal just before the clause is rewritten to backslash
/// escapes (`'a!%'` with `!` becomes `'a\%'`); a pattern that is not a literal keeps the clause
/// as written and DataFusion reports it.
pub(super) fn like_escape(body: &str, out: &mut String) -> Result<()> {
    let mut chars = single_literal(body)
        .unwrap_or_default()
        .chars()
        .collect::<Vec<_>>();
    let (Some(c), None) = (chars.pop(), chars.pop()) else {
        return Err(syntax(format!(
            "The ODBC escape {{escape{body}}} needs exactly one character in quotes, \
             such as {{escape '\\'}}"
        )));
    };
    if c != '\\' {
        if let Some(start) = trailing_literal(out) {
            let end = out.trim_end().len();
            let pattern = out[start + 1..end - 1].replace("''", "'");
            let rewritten = backslash_pattern(&pattern, c);
            out.replace_range(start..end, &quote_literal(&rewritten));
            push_escape_clause(out, '\\');
            return Ok(());
        }
    }
    push_escape_clause(out, c);
    Ok(())
}

fn push_escape_clause(out: &mut String, c: char) {
    // The brace usually follows a space already; don't add a second one.
    if !out.ends_with(|ch: char| ch.is_whitespace()) {
        out.push(' ');
    }
    out.push_str("ESCAPE ");
    out.push_str(&quote_literal(&c.to_string()));
}

/// Start of the plain `'…'` literal that ends `text` (trailing whitespace aside), if any.
fn trailing_literal(text: &str) -> Option<usize> {
    let b = text.trim_end().as_bytes();
    let mut i = 0;
    let mut last = None;
    while i < b.len() {
        match skip_opaque(b, i) {
            Some(end) => {
                last = Some((i, end));
                i = end;
            }
            None => i += 1,
        }
    }
    let (start, end) = last?;
    // An unterminated literal also runs to the end; only a closed one is a pattern.
    let run = quoted_run(b, start, Quoting::DataFusion)?;
    (end == b.len() && run.kind == QuoteKind::String && run.closed).then_some(start)
}

/// `pattern` with escape character `esc` re-expressed with backslash escapes.
fn backslash_pattern(pattern: &str, esc: char) -> String {
    let mut out = String::with_capacity(pattern.len() + 4);
    let mut chars = pattern.chars();
    while let Some(ch) = chars.next() {
        let literal = if ch == esc { chars.next() } else { None };
        match (ch == esc, literal) {
            (true, Some(next)) => {
                out.push('\\');
                out.push(next);
            }
            // A backslash that was an ordinary character must now be escaped itself.
            (false, _) if ch == '\\' => out.push_str("\\\\"),
            _ => out.push(ch),
        }
    }
    out
}

/// The content of `body` when it is exactly one string literal (surrounding whitespace allowed).
fn single_literal(body: &str) -> Option<String> {
    let t = body.trim();
    quoted_run(t.as_bytes(), 0, Quoting::DataFusion)
        .filter(|run| run.kind == QuoteKind::String && run.closed && run.end == t.len())
        .map(|run| run.body(t))
}

pub(super) fn quote_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// `{d '…'}`, `{t '…'}` and `{ts '…'}`: the literal's shape is checked here so the user sees
/// which escape is wrong instead of a cast error from deep inside the plan.
pub(super) fn datetime_literal(kind: &str, body: &str) -> Result<String> {
    let (sql_type, shape) = match kind {
        "d" => ("DATE", "yyyy-mm-dd"),
        "t" => ("TIME", "hh:mm:ss[.fffffffff]"),
        _ => ("TIMESTAMP", "yyyy-mm-dd hh:mm:ss[.fffffffff]"),
    };
    let Some(value) = single_literal(body) else {
        return Err(syntax(format!(
            "The ODBC escape {{{kind}{body}}} needs a quoted literal of the form \
             '{shape}'"
        )));
    };
    let valid = match kind {
        "d" => valid_date(&value),
        "t" => valid_time(&value),
        _ => value
            .split_once(' ')
            .is_some_and(|(d, t)| valid_date(d) && valid_time(t)),
    };
    if !valid {
        return Err(Error::new(
            SqlError::InvalidDatetime,
            format!(
                "The ODBC escape {{{kind} '{value}'}} is not a valid {} literal: write \
                 '{shape}' with a real calendar date and time",
                sql_type.to_ascii_lowercase()
            ),
        ));
    }
    Ok(format!("{sql_type} '{value}'"))
}

/// Parses a run of exactly `len` ASCII digits.
fn digits(s: &str, len: usize) -> Option<u32> {
    if s.len() != len || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn valid_date(s: &str) -> bool {
    let mut parts = s.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Some(y), Some(m), Some(d)) = (digits(y, 4), digits(m, 2), digits(d, 2)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

fn valid_time(s: &str) -> bool {
    let (hms, fraction) = match s.split_once('.') {
        Some((hms, f)) => (hms, Some(f)),
        None => (s, None),
    };
    if let Some(f) = fraction {
        if f.is_empty() || f.len() > 9 || !f.bytes().all(|c| c.is_ascii_digit()) {
            return false;
        }
    }
    let mut parts = hms.split(':');
    let (Some(h), Some(m), Some(sec), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    matches!(
        (digits(h, 2), digits(m, 2), digits(sec, 2)),
        (Some(h), Some(m), Some(sec)) if h < 24 && m < 60 && sec < 60
    )
}
