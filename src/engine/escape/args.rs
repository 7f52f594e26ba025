//! Reading the argument text of `{fn …}` after its nested escapes were translated: where the
//! parentheses close, where the arguments split, and whether an argument holds a `?` marker.
//! Literals and comments are skipped with the shared lexer's rules (`sql_lexer`), so a comma,
//! parenthesis or `?` inside them is just a character.
//!
//! It reads text only: it must not decide what a function means or build SQL (`functions` does).

use crate::engine::sql_lexer::{is_ident_byte, skip_opaque};

/// Index of the `)` matching the `(` at `open`, skipping literals and comments.
pub(super) fn matching_paren(b: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        if let Some(end) = skip_opaque(b, i) {
            i = end;
            continue;
        }
        match b[i] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Splits an argument list at commas outside parentheses, literals and comments. The nested
/// escapes were already translated, so no braces remain to worry about.
pub(super) fn split_args(inner: &str) -> Option<Vec<String>> {
    if inner.trim().is_empty() {
        return Some(Vec::new());
    }
    let b = inner.as_bytes();
    let mut args = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        if let Some(end) = skip_opaque(b, i) {
            i = end;
            continue;
        }
        match b[i] {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                args.push(inner[start..i].trim().to_string());
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    args.push(inner[start..].trim().to_string());
    if args.iter().any(String::is_empty) {
        return None;
    }
    Some(args)
}

/// Splits `inner` at the first top-level occurrence of the keyword `kw` (a whole word), for the
/// two functions whose arguments are not comma-separated: POSITION(a IN b), EXTRACT(f FROM x).
pub(super) fn split_keyword<'s>(inner: &'s str, kw: &str) -> Option<(&'s str, &'s str)> {
    let b = inner.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        if let Some(end) = skip_opaque(b, i) {
            i = end;
            continue;
        }
        match b[i] {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            _ if depth == 0
                && (i == 0 || !is_ident_byte(b[i - 1]))
                && b.get(i..i + kw.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(kw.as_bytes()))
                && !b.get(i + kw.len()).is_some_and(|&c| is_ident_byte(c)) =>
            {
                let (left, right) = (inner[..i].trim(), inner[i + kw.len()..].trim());
                return (!left.is_empty() && !right.is_empty()).then_some((left, right));
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether `arg` holds a `?` parameter marker. Markers are numbered by position after this
/// translation, so a translation must never write an argument that holds one twice.
pub(super) fn has_marker(arg: &str) -> bool {
    let b = arg.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if let Some(end) = skip_opaque(b, i) {
            i = end;
            continue;
        }
        if b[i] == b'?' {
            return true;
        }
        i += 1;
    }
    false
}
