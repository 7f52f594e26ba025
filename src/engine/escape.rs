//! ODBC escape clauses (`{fn …}`, `{d …}`, `{t …}`, `{ts …}`, `{oj …}`, `{escape …}`) rewritten
//! into the SQL that DataFusion plans, and the SQLGetInfo bitmasks that advertise exactly what is
//! rewritten here. Procedure calls (`{call …}`) are not ours: `procedure_call` recognises them
//! before this module runs, so meeting one here is an error.
//!
//! The scanner works on bytes: every delimiter it looks for is ASCII, so every slice it takes falls
//! on a UTF-8 character boundary and non-ASCII text is copied untouched.

use crate::error::{state, Error, Result};
use crate::odbc::info::{
    SQL_FN_CVT_CAST, SQL_FN_CVT_CONVERT, SQL_FN_NUM_ABS, SQL_FN_NUM_ACOS, SQL_FN_NUM_ASIN,
    SQL_FN_NUM_ATAN, SQL_FN_NUM_ATAN2, SQL_FN_NUM_CEILING, SQL_FN_NUM_COS, SQL_FN_NUM_COT,
    SQL_FN_NUM_DEGREES, SQL_FN_NUM_EXP, SQL_FN_NUM_FLOOR, SQL_FN_NUM_LOG, SQL_FN_NUM_LOG10,
    SQL_FN_NUM_MOD, SQL_FN_NUM_PI, SQL_FN_NUM_POWER, SQL_FN_NUM_RADIANS, SQL_FN_NUM_RAND,
    SQL_FN_NUM_ROUND, SQL_FN_NUM_SIGN, SQL_FN_NUM_SIN, SQL_FN_NUM_SQRT, SQL_FN_NUM_TAN,
    SQL_FN_NUM_TRUNCATE, SQL_FN_STR_ASCII, SQL_FN_STR_BIT_LENGTH, SQL_FN_STR_CHAR,
    SQL_FN_STR_CHARACTER_LENGTH, SQL_FN_STR_CHAR_LENGTH, SQL_FN_STR_CONCAT, SQL_FN_STR_INSERT,
    SQL_FN_STR_LCASE, SQL_FN_STR_LEFT, SQL_FN_STR_LENGTH, SQL_FN_STR_LOCATE, SQL_FN_STR_LOCATE_2,
    SQL_FN_STR_LTRIM, SQL_FN_STR_OCTET_LENGTH, SQL_FN_STR_POSITION, SQL_FN_STR_REPEAT,
    SQL_FN_STR_REPLACE, SQL_FN_STR_RIGHT, SQL_FN_STR_RTRIM, SQL_FN_STR_SPACE, SQL_FN_STR_SUBSTRING,
    SQL_FN_STR_UCASE, SQL_FN_SYS_DBNAME, SQL_FN_SYS_IFNULL, SQL_FN_SYS_USERNAME, SQL_FN_TD_CURDATE,
    SQL_FN_TD_CURRENT_DATE, SQL_FN_TD_CURRENT_TIME, SQL_FN_TD_CURRENT_TIMESTAMP, SQL_FN_TD_CURTIME,
    SQL_FN_TD_DAYNAME, SQL_FN_TD_DAYOFMONTH, SQL_FN_TD_DAYOFWEEK, SQL_FN_TD_DAYOFYEAR,
    SQL_FN_TD_EXTRACT, SQL_FN_TD_HOUR, SQL_FN_TD_MINUTE, SQL_FN_TD_MONTH, SQL_FN_TD_MONTHNAME,
    SQL_FN_TD_NOW, SQL_FN_TD_QUARTER, SQL_FN_TD_SECOND, SQL_FN_TD_TIMESTAMPADD,
    SQL_FN_TD_TIMESTAMPDIFF, SQL_FN_TD_WEEK, SQL_FN_TD_YEAR, SQL_FN_TSI_DAY,
    SQL_FN_TSI_FRAC_SECOND, SQL_FN_TSI_HOUR, SQL_FN_TSI_MINUTE, SQL_FN_TSI_MONTH,
    SQL_FN_TSI_QUARTER, SQL_FN_TSI_SECOND, SQL_FN_TSI_WEEK, SQL_FN_TSI_YEAR,
};

/// Values the engine knows and the translation needs: what `{fn DATABASE()}` and `{fn USER()}`
/// return.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TranslateContext {
    pub database: String,
    pub user: String,
}

// Bit values from sqlext.h. Only those functions `scalar_function` translates are listed, because
// SQLGetInfo answers built from these constants are what BI tools trust when they generate SQL.

/// SQLGetInfo(SQL_STRING_FUNCTIONS). DIFFERENCE and SOUNDEX are absent: DataFusion has no
/// phonetic functions.
pub const STRING_FUNCTIONS: u32 = SQL_FN_STR_CONCAT
    | SQL_FN_STR_INSERT
    | SQL_FN_STR_LEFT
    | SQL_FN_STR_LTRIM
    | SQL_FN_STR_LENGTH
    | SQL_FN_STR_LOCATE
    | SQL_FN_STR_LCASE
    | SQL_FN_STR_REPEAT
    | SQL_FN_STR_REPLACE
    | SQL_FN_STR_RIGHT
    | SQL_FN_STR_RTRIM
    | SQL_FN_STR_SUBSTRING
    | SQL_FN_STR_UCASE
    | SQL_FN_STR_ASCII
    | SQL_FN_STR_CHAR
    | SQL_FN_STR_LOCATE_2
    | SQL_FN_STR_SPACE
    | SQL_FN_STR_BIT_LENGTH
    | SQL_FN_STR_CHAR_LENGTH
    | SQL_FN_STR_CHARACTER_LENGTH
    | SQL_FN_STR_OCTET_LENGTH
    | SQL_FN_STR_POSITION;

/// SQLGetInfo(SQL_NUMERIC_FUNCTIONS): all of them. RAND is advertised for its unseeded form;
/// `RAND(seed)` is rejected because DataFusion's `random()` takes no seed.
pub const NUMERIC_FUNCTIONS: u32 = SQL_FN_NUM_ABS
    | SQL_FN_NUM_ACOS
    | SQL_FN_NUM_ASIN
    | SQL_FN_NUM_ATAN
    | SQL_FN_NUM_ATAN2
    | SQL_FN_NUM_CEILING
    | SQL_FN_NUM_COS
    | SQL_FN_NUM_COT
    | SQL_FN_NUM_EXP
    | SQL_FN_NUM_FLOOR
    | SQL_FN_NUM_LOG
    | SQL_FN_NUM_MOD
    | SQL_FN_NUM_SIGN
    | SQL_FN_NUM_SIN
    | SQL_FN_NUM_SQRT
    | SQL_FN_NUM_TAN
    | SQL_FN_NUM_PI
    | SQL_FN_NUM_RAND
    | SQL_FN_NUM_DEGREES
    | SQL_FN_NUM_LOG10
    | SQL_FN_NUM_POWER
    | SQL_FN_NUM_RADIANS
    | SQL_FN_NUM_ROUND
    | SQL_FN_NUM_TRUNCATE;

/// SQLGetInfo(SQL_TIMEDATE_FUNCTIONS): all of them.
pub const TIMEDATE_FUNCTIONS: u32 = SQL_FN_TD_NOW
    | SQL_FN_TD_CURDATE
    | SQL_FN_TD_DAYOFMONTH
    | SQL_FN_TD_DAYOFWEEK
    | SQL_FN_TD_DAYOFYEAR
    | SQL_FN_TD_MONTH
    | SQL_FN_TD_QUARTER
    | SQL_FN_TD_WEEK
    | SQL_FN_TD_YEAR
    | SQL_FN_TD_CURTIME
    | SQL_FN_TD_HOUR
    | SQL_FN_TD_MINUTE
    | SQL_FN_TD_SECOND
    | SQL_FN_TD_TIMESTAMPADD
    | SQL_FN_TD_TIMESTAMPDIFF
    | SQL_FN_TD_DAYNAME
    | SQL_FN_TD_MONTHNAME
    | SQL_FN_TD_CURRENT_DATE
    | SQL_FN_TD_CURRENT_TIME
    | SQL_FN_TD_CURRENT_TIMESTAMP
    | SQL_FN_TD_EXTRACT;

/// SQLGetInfo(SQL_SYSTEM_FUNCTIONS).
pub const SYSTEM_FUNCTIONS: u32 = SQL_FN_SYS_USERNAME | SQL_FN_SYS_DBNAME | SQL_FN_SYS_IFNULL;

/// SQLGetInfo(SQL_CONVERT_FUNCTIONS): `{fn CONVERT}` is translated here and `CAST` is DataFusion's own.
pub const CONVERT_FUNCTIONS: u32 = SQL_FN_CVT_CONVERT | SQL_FN_CVT_CAST;

/// SQLGetInfo(SQL_TIMEDATE_ADD_INTERVALS): every interval, FRAC_SECOND being nanoseconds.
pub const TIMEDATE_ADD_INTERVALS: u32 = SQL_FN_TSI_FRAC_SECOND
    | SQL_FN_TSI_SECOND
    | SQL_FN_TSI_MINUTE
    | SQL_FN_TSI_HOUR
    | SQL_FN_TSI_DAY
    | SQL_FN_TSI_WEEK
    | SQL_FN_TSI_MONTH
    | SQL_FN_TSI_QUARTER
    | SQL_FN_TSI_YEAR;

/// SQLGetInfo(SQL_TIMEDATE_DIFF_INTERVALS). FRAC_SECOND is absent: the difference goes through
/// `date_part('epoch', …)`, a double that cannot carry nanoseconds.
pub const TIMEDATE_DIFF_INTERVALS: u32 = SQL_FN_TSI_SECOND
    | SQL_FN_TSI_MINUTE
    | SQL_FN_TSI_HOUR
    | SQL_FN_TSI_DAY
    | SQL_FN_TSI_WEEK
    | SQL_FN_TSI_MONTH
    | SQL_FN_TSI_QUARTER
    | SQL_FN_TSI_YEAR;

/// Rewrites every ODBC escape clause in `sql` into DataFusion SQL. Text outside escapes, string
/// literals, quoted identifiers and comments are copied byte for byte.
pub fn translate(sql: &str, ctx: &TranslateContext) -> Result<String> {
    // Most statements have no escape at all; they come back untouched without a scan.
    if !sql.contains('{') {
        return Ok(sql.to_string());
    }
    let mut scanner = Scanner {
        src: sql,
        pos: 0,
        ctx,
        depth: 0,
    };
    scanner.text(false)
}

fn syntax(message: String) -> Error {
    Error::new(state::SYNTAX_ERROR, message)
}

pub(crate) fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// When a string literal, quoted identifier or comment starts at `i`, the index just past its end.
/// An unterminated one runs to the end of the text: DataFusion's parser reports it with a better
/// message than we could, and nothing inside it may be taken for an escape.
pub(crate) fn skip_opaque(b: &[u8], i: usize) -> Option<usize> {
    let c = *b.get(i)?;
    let next = b.get(i + 1).copied();
    match c {
        b'\'' => Some(skip_quoted(b, i + 1, b'\'', false)),
        // A PostgreSQL escape string E'…', where a backslash may escape the quote. The letter
        // must not end a longer word, or `name'` would be misread.
        b'e' | b'E' if next == Some(b'\'') && (i == 0 || !is_ident_byte(b[i - 1])) => {
            Some(skip_quoted(b, i + 2, b'\'', true))
        }
        b'"' | b'`' => Some(skip_quoted(b, i + 1, c, false)),
        b'-' if next == Some(b'-') => {
            let end = b[i..]
                .iter()
                .position(|&x| x == b'\n')
                .map_or(b.len(), |p| i + p + 1);
            Some(end)
        }
        b'/' if next == Some(b'*') => {
            // Block comments nest, as in PostgreSQL and DataFusion's tokenizer.
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                if b[j] == b'/' && b.get(j + 1) == Some(&b'*') {
                    depth += 1;
                    j += 2;
                } else if b[j] == b'*' && b.get(j + 1) == Some(&b'/') {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        return Some(j);
                    }
                } else {
                    j += 1;
                }
            }
            Some(b.len())
        }
        _ => None,
    }
}

/// Scans a quoted run whose opening quote has been consumed; a doubled quote stands for itself.
fn skip_quoted(b: &[u8], mut j: usize, quote: u8, backslash: bool) -> usize {
    while j < b.len() {
        if backslash && b[j] == b'\\' {
            j += 2;
        } else if b[j] == quote {
            if b.get(j + 1) == Some(&quote) {
                j += 2;
            } else {
                return j + 1;
            }
        } else {
            j += 1;
        }
    }
    b.len()
}

struct Scanner<'a> {
    src: &'a str,
    pos: usize,
    ctx: &'a TranslateContext,
    /// Escapes open around the current position; each is a level of recursion.
    depth: usize,
}

impl Scanner<'_> {
    /// Copies text up to the end (top level) or up to the `}` closing the current escape
    /// (`nested`), translating the escapes met on the way.
    fn text(&mut self, nested: bool) -> Result<String> {
        let b = self.src.as_bytes();
        let mut out = String::with_capacity(self.src.len() - self.pos);
        let mut run = self.pos;
        while self.pos < b.len() {
            if let Some(end) = skip_opaque(b, self.pos) {
                self.pos = end;
                continue;
            }
            match b[self.pos] {
                b'{' => {
                    out.push_str(&self.src[run..self.pos]);
                    let open = self.pos;
                    self.pos += 1;
                    if !self.escape(open, &mut out)? {
                        // Not an escape (a brace DataFusion may understand): keep it.
                        out.push('{');
                    }
                    run = self.pos;
                }
                b'}' if nested => {
                    out.push_str(&self.src[run..self.pos]);
                    self.pos += 1;
                    return Ok(out);
                }
                _ => self.pos += 1,
            }
        }
        if nested {
            return Err(syntax(
                "[apiodbc] An ODBC escape clause is not closed: add the missing '}'".to_string(),
            ));
        }
        out.push_str(&self.src[run..]);
        Ok(out)
    }

    /// Translates the escape whose `{` is at `open` onto `out`; `self.pos` is just after the
    /// brace. `false` when the brace does not open an escape (no keyword follows it).
    fn escape(&mut self, open: usize, out: &mut String) -> Result<bool> {
        let b = self.src.as_bytes();
        let mut i = self.pos;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b.get(i) == Some(&b'?') {
            return Err(call_here());
        }
        if !b.get(i).is_some_and(|c| c.is_ascii_alphabetic()) {
            return Ok(false);
        }
        let start = i;
        while i < b.len() && is_ident_byte(b[i]) {
            i += 1;
        }
        let keyword = self.src[start..i].to_ascii_lowercase();
        self.pos = i;
        match keyword.as_str() {
            "call" => Err(call_here()),
            "fn" | "d" | "t" | "ts" | "oj" | "escape" => {
                self.depth += 1;
                if self.depth > super::complexity::PARSER_RECURSION_LIMIT {
                    return Err(super::complexity::too_complex(format!(
                        "its ODBC escape clauses nest more than {} levels deep",
                        super::complexity::PARSER_RECURSION_LIMIT
                    )));
                }
                let body = self.text(true)?;
                self.depth -= 1;
                match keyword.as_str() {
                    "fn" => out.push_str(&scalar_function(&body, self.ctx)?),
                    "oj" => out.push_str(body.trim()),
                    "escape" => like_escape(&body, out)?,
                    kind => out.push_str(&datetime_literal(kind, &body)?),
                }
                Ok(true)
            }
            _ => {
                let shown: String = self.src[open..i].chars().take(40).collect();
                Err(syntax(format!(
                    "[apiodbc] The ODBC escape '{shown}' is not supported; the supported escapes \
                     are {{fn …}}, {{d …}}, {{t …}}, {{ts …}}, {{oj …}} and {{escape …}}"
                )))
            }
        }
    }
}

fn call_here() -> Error {
    syntax(
        "[apiodbc] A {call …} escape must be the whole statement; it cannot appear inside \
         another statement"
            .to_string(),
    )
}

/// `{escape 'c'}` after a LIKE pattern; `out` holds the translated text before it.
///
/// DataFusion 55 executes LIKE only with the backslash as escape character. For any other
/// character, a pattern written as a literal just before the clause is rewritten to backslash
/// escapes (`'a!%'` with `!` becomes `'a\%'`); a pattern that is not a literal keeps the clause
/// as written and DataFusion reports it.
fn like_escape(body: &str, out: &mut String) -> Result<()> {
    let mut chars = single_literal(body)
        .unwrap_or_default()
        .chars()
        .collect::<Vec<_>>();
    let (Some(c), None) = (chars.pop(), chars.pop()) else {
        return Err(syntax(format!(
            "[apiodbc] The ODBC escape {{escape{body}}} needs exactly one character in quotes, \
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
    match last {
        Some((start, end)) if end == b.len() && b[start] == b'\'' && b.len() - start >= 2 => {
            // An unterminated literal also runs to the end; only a closed one is a pattern.
            let inner = &b[start + 1..end - 1];
            let closed = b[end - 1] == b'\'' && inner.split(|&x| x == b'\'').count() % 2 == 1;
            closed.then_some(start)
        }
        _ => None,
    }
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
    let b = t.as_bytes();
    if b.first() != Some(&b'\'') {
        return None;
    }
    // Walk the literal by hand: `skip_quoted` cannot tell a closed literal from one that runs
    // off the end.
    let mut i = 1;
    while i < b.len() {
        if b[i] == b'\'' {
            if b.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return (i + 1 == b.len()).then(|| t[1..i].replace("''", "'"));
        }
        i += 1;
    }
    None
}

fn quote_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// `{d '…'}`, `{t '…'}` and `{ts '…'}`: the literal's shape is checked here so the user sees
/// which escape is wrong instead of a cast error from deep inside the plan.
fn datetime_literal(kind: &str, body: &str) -> Result<String> {
    let (sql_type, shape) = match kind {
        "d" => ("DATE", "yyyy-mm-dd"),
        "t" => ("TIME", "hh:mm:ss[.fffffffff]"),
        _ => ("TIMESTAMP", "yyyy-mm-dd hh:mm:ss[.fffffffff]"),
    };
    let Some(value) = single_literal(body) else {
        return Err(syntax(format!(
            "[apiodbc] The ODBC escape {{{kind}{body}}} needs a quoted literal of the form \
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
            state::INVALID_DATETIME_FORMAT,
            format!(
                "[apiodbc] The ODBC escape {{{kind} '{value}'}} is not a valid {} literal: write \
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

/// Index of the `)` matching the `(` at `open`, skipping literals and comments.
fn matching_paren(b: &[u8], open: usize) -> Option<usize> {
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
fn split_args(inner: &str) -> Option<Vec<String>> {
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
fn split_keyword<'s>(inner: &'s str, kw: &str) -> Option<(&'s str, &'s str)> {
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

/// `{fn NAME(args)}`; `body` is the text after `fn`, with nested escapes already translated.
fn scalar_function(body: &str, ctx: &TranslateContext) -> Result<String> {
    let t = body.trim();
    let b = t.as_bytes();
    let name_end = b.iter().position(|&c| !is_ident_byte(c)).unwrap_or(b.len());
    if name_end == 0 {
        return Err(syntax(format!(
            "[apiodbc] The ODBC escape {{fn{body}}} needs a function name, as in {{fn UCASE(x)}}"
        )));
    }
    let name = t[..name_end].to_ascii_uppercase();
    let rest = t[name_end..].trim_start();
    let inner = if rest.is_empty() {
        // `{fn CURDATE}` without parentheses: some tools leave them off zero-argument functions.
        ""
    } else {
        let rb = rest.as_bytes();
        let close = (rb[0] == b'(')
            .then(|| matching_paren(rb, 0))
            .flatten()
            .filter(|&c| rest[c + 1..].trim().is_empty());
        match close {
            Some(c) => &rest[1..c],
            None => {
                return Err(syntax(format!(
                    "[apiodbc] The ODBC scalar function {name} is malformed: write {{fn \
                     {name}(arguments)}} with balanced parentheses"
                )))
            }
        }
    };
    match name.as_str() {
        "POSITION" => {
            let (needle, hay) = split_keyword(inner, "IN").ok_or_else(|| {
                syntax(
                    "[apiodbc] The ODBC scalar function POSITION takes 'needle IN haystack'"
                        .to_string(),
                )
            })?;
            return Ok(format!("strpos({hay}, {needle})"));
        }
        "EXTRACT" => {
            let (field, source) = split_keyword(inner, "FROM").ok_or_else(|| {
                syntax(
                    "[apiodbc] The ODBC scalar function EXTRACT takes 'field FROM value'"
                        .to_string(),
                )
            })?;
            let field = field.to_ascii_uppercase();
            if !matches!(
                field.as_str(),
                "YEAR" | "MONTH" | "DAY" | "HOUR" | "MINUTE" | "SECOND"
            ) {
                return Err(syntax(format!(
                    "[apiodbc] EXTRACT({field} FROM …) is not supported; the fields are YEAR, \
                     MONTH, DAY, HOUR, MINUTE and SECOND"
                )));
            }
            return Ok(date_part(&field.to_ascii_lowercase(), source));
        }
        _ => {}
    }
    let args = split_args(inner).ok_or_else(|| {
        syntax(format!(
            "[apiodbc] The ODBC scalar function {name} has an empty argument"
        ))
    })?;
    translate_function(&name, &args, ctx)
}

fn arity(name: &str, args: &[String], min: usize, max: usize) -> Result<()> {
    if (min..=max).contains(&args.len()) {
        return Ok(());
    }
    let wanted = match (min, max) {
        (a, b) if a == b => format!("{a}"),
        (a, usize::MAX) => format!("at least {a}"),
        (a, b) => format!("{a} to {b}"),
    };
    let plural = if max == 1 { "argument" } else { "arguments" };
    Err(syntax(format!(
        "[apiodbc] The ODBC scalar function {name} takes {wanted} {plural}, but {} were given",
        args.len()
    )))
}

/// `name(arg, …)` in DataFusion syntax.
/// Whether `arg` holds a `?` parameter marker. Markers are numbered by position after this
/// translation, so a translation must never write an argument that holds one twice.
fn has_marker(arg: &str) -> bool {
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

fn call(name: &str, args: &[String]) -> String {
    format!("{name}({})", args.join(", "))
}

fn date_part(field: &str, value: &str) -> String {
    format!("date_part('{field}', {value})")
}

fn translate_function(name: &str, args: &[String], ctx: &TranslateContext) -> Result<String> {
    // Functions whose DataFusion counterpart takes the same arguments, with their arity.
    let direct: Option<(&str, usize, usize)> = match name {
        "ASCII" => Some(("ascii", 1, 1)),
        "BIT_LENGTH" => Some(("bit_length", 1, 1)),
        "CHAR" => Some(("chr", 1, 1)),
        "CHAR_LENGTH" | "CHARACTER_LENGTH" => Some(("char_length", 1, 1)),
        // ODBC defines two arguments; DataFusion's concat takes any number, so more is harmless.
        "CONCAT" => Some(("concat", 2, usize::MAX)),
        "LCASE" => Some(("lower", 1, 1)),
        "LEFT" => Some(("left", 2, 2)),
        "LTRIM" => Some(("ltrim", 1, 1)),
        "OCTET_LENGTH" => Some(("octet_length", 1, 1)),
        "REPEAT" => Some(("repeat", 2, 2)),
        "REPLACE" => Some(("replace", 3, 3)),
        "RIGHT" => Some(("right", 2, 2)),
        "RTRIM" => Some(("rtrim", 1, 1)),
        "SUBSTRING" => Some(("substr", 2, 3)),
        "UCASE" => Some(("upper", 1, 1)),
        "ABS" => Some(("abs", 1, 1)),
        "ACOS" => Some(("acos", 1, 1)),
        "ASIN" => Some(("asin", 1, 1)),
        "ATAN" => Some(("atan", 1, 1)),
        // Argument order passed through, as other drivers do: tools send ATAN2(y, x).
        "ATAN2" => Some(("atan2", 2, 2)),
        "CEILING" => Some(("ceil", 1, 1)),
        "COS" => Some(("cos", 1, 1)),
        "COT" => Some(("cot", 1, 1)),
        "DEGREES" => Some(("degrees", 1, 1)),
        "EXP" => Some(("exp", 1, 1)),
        "FLOOR" => Some(("floor", 1, 1)),
        // ODBC's LOG is the natural logarithm; DataFusion's one-argument log is base 10.
        "LOG" => Some(("ln", 1, 1)),
        "LOG10" => Some(("log10", 1, 1)),
        "PI" => Some(("pi", 0, 0)),
        "POWER" => Some(("power", 2, 2)),
        "RADIANS" => Some(("radians", 1, 1)),
        "ROUND" => Some(("round", 1, 2)),
        "SIGN" => Some(("signum", 1, 1)),
        "SIN" => Some(("sin", 1, 1)),
        "SQRT" => Some(("sqrt", 1, 1)),
        "TAN" => Some(("tan", 1, 1)),
        "TRUNCATE" => Some(("trunc", 1, 2)),
        "IFNULL" => Some(("coalesce", 2, 2)),
        _ => None,
    };
    if let Some((df, min, max)) = direct {
        arity(name, args, min, max)?;
        return Ok(call(df, args));
    }
    let part: Option<&str> = match name {
        "DAYOFMONTH" => Some("day"),
        "DAYOFYEAR" => Some("doy"),
        "HOUR" => Some("hour"),
        "MINUTE" => Some("minute"),
        "MONTH" => Some("month"),
        "QUARTER" => Some("quarter"),
        "SECOND" => Some("second"),
        // ISO week (1–53, weeks start on Monday): the nearest DataFusion has to ODBC's WEEK.
        "WEEK" => Some("week"),
        "YEAR" => Some("year"),
        _ => None,
    };
    if let Some(field) = part {
        arity(name, args, 1, 1)?;
        return Ok(date_part(field, &args[0]));
    }
    match name {
        "INSERT" => {
            arity(name, args, 4, 4)?;
            Ok(format!(
                "overlay({} placing {} from {} for {})",
                args[0], args[3], args[1], args[2]
            ))
        }
        // ODBC LENGTH counts characters without trailing blanks.
        "LENGTH" => {
            arity(name, args, 1, 1)?;
            Ok(format!("char_length(rtrim({}))", args[0]))
        }
        "LOCATE" => {
            arity(name, args, 2, 3)?;
            let (needle, hay) = (&args[0], &args[1]);
            match args.get(2) {
                None => Ok(format!("strpos({hay}, {needle})")),
                // Search from `start`, but report the position in the whole string; 0 stays 0.
                Some(start) if !args.iter().any(|a| has_marker(a)) => Ok(format!(
                    "CASE WHEN strpos(substr({hay}, {start}), {needle}) = 0 THEN 0 \
                     ELSE strpos(substr({hay}, {start}), {needle}) + ({start}) - 1 END"
                )),
                // The CASE form repeats the arguments, which would repeat a ? marker and shift
                // every later parameter. This form names each argument once; its only difference
                // is 0 instead of NULL for a NULL string.
                Some(start) => Ok(format!(
                    "coalesce(nullif(strpos(substr({hay}, {start}), {needle}), 0) + ({start}) - 1, 0)"
                )),
            }
        }
        "SPACE" => {
            arity(name, args, 1, 1)?;
            Ok(format!("repeat(' ', {})", args[0]))
        }
        "MOD" => {
            arity(name, args, 2, 2)?;
            Ok(format!("(({}) % ({}))", args[0], args[1]))
        }
        "RAND" => {
            arity(name, args, 0, 1)?;
            if args.is_empty() {
                Ok("random()".to_string())
            } else {
                Err(syntax(
                    "[apiodbc] RAND(seed) is not supported: DataFusion's random() cannot be \
                     seeded; call {fn RAND()} without a seed"
                        .to_string(),
                ))
            }
        }
        "CURDATE" | "CURRENT_DATE" => {
            arity(name, args, 0, 0)?;
            Ok("current_date()".to_string())
        }
        // The optional precision argument is accepted and ignored: the value keeps DataFusion's
        // full precision, which is at least what was asked for.
        "CURTIME" | "CURRENT_TIME" => {
            arity(name, args, 0, usize::from(name == "CURRENT_TIME"))?;
            Ok("current_time()".to_string())
        }
        "NOW" | "CURRENT_TIMESTAMP" => {
            arity(name, args, 0, usize::from(name == "CURRENT_TIMESTAMP"))?;
            Ok("now()".to_string())
        }
        "DAYNAME" => {
            arity(name, args, 1, 1)?;
            Ok(format!("to_char({}, '%A')", args[0]))
        }
        "MONTHNAME" => {
            arity(name, args, 1, 1)?;
            Ok(format!("to_char({}, '%B')", args[0]))
        }
        // ODBC numbers days from 1 = Sunday; DataFusion's dow is 0 = Sunday.
        "DAYOFWEEK" => {
            arity(name, args, 1, 1)?;
            Ok(format!("({} + 1)", date_part("dow", &args[0])))
        }
        "TIMESTAMPADD" => {
            arity(name, args, 3, 3)?;
            Ok(timestamp_add(
                interval_unit(name, &args[0])?,
                &args[1],
                &args[2],
            ))
        }
        "TIMESTAMPDIFF" => {
            arity(name, args, 3, 3)?;
            timestamp_diff(interval_unit(name, &args[0])?, &args[1], &args[2])
        }
        "DATABASE" => {
            arity(name, args, 0, 0)?;
            Ok(quote_literal(&ctx.database))
        }
        "USER" => {
            arity(name, args, 0, 0)?;
            Ok(quote_literal(&ctx.user))
        }
        "CONVERT" => {
            arity(name, args, 2, 2)?;
            Ok(format!("CAST({} AS {})", args[0], convert_type(&args[1])?))
        }
        // DIFFERENCE, SOUNDEX and anything unknown: DataFusion has nothing to map them to.
        _ => Err(syntax(format!(
            "[apiodbc] The ODBC scalar function {name} is not supported; see \
             SQLGetInfo(SQL_STRING_FUNCTIONS) for the supported ones"
        ))),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tsi {
    FracSecond,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

/// The SQL_TSI_* keyword of TIMESTAMPADD/TIMESTAMPDIFF. The bare unit (`DAY`) is accepted too,
/// because some tools drop the prefix.
fn interval_unit(function: &str, arg: &str) -> Result<Tsi> {
    let upper = arg.trim().to_ascii_uppercase();
    let unit = upper.strip_prefix("SQL_TSI_").unwrap_or(&upper);
    Ok(match unit {
        "FRAC_SECOND" => Tsi::FracSecond,
        "SECOND" => Tsi::Second,
        "MINUTE" => Tsi::Minute,
        "HOUR" => Tsi::Hour,
        "DAY" => Tsi::Day,
        "WEEK" => Tsi::Week,
        "MONTH" => Tsi::Month,
        "QUARTER" => Tsi::Quarter,
        "YEAR" => Tsi::Year,
        _ => {
            return Err(syntax(format!(
                "[apiodbc] {function} does not know the interval '{arg}'; use one of \
                 SQL_TSI_FRAC_SECOND, SQL_TSI_SECOND, SQL_TSI_MINUTE, SQL_TSI_HOUR, SQL_TSI_DAY, \
                 SQL_TSI_WEEK, SQL_TSI_MONTH, SQL_TSI_QUARTER, SQL_TSI_YEAR"
            )))
        }
    })
}

/// `ts` moved by `n` intervals. DataFusion 55 cannot multiply an interval by a number, so the
/// interval is built from text (`'5 days'`), which also keeps a NULL count NULL. A DATE plus a
/// sub-day interval would stay a DATE and silently lose the hours, so for those units the value
/// becomes a TIMESTAMP first, as ODBC specifies.
fn timestamp_add(unit: Tsi, n: &str, ts: &str) -> String {
    let (amount, unit_name, sub_day) = match unit {
        Tsi::FracSecond => (n.to_string(), "nanoseconds", true),
        Tsi::Second => (n.to_string(), "seconds", true),
        Tsi::Minute => (n.to_string(), "minutes", true),
        Tsi::Hour => (n.to_string(), "hours", true),
        Tsi::Day => (n.to_string(), "days", false),
        Tsi::Week => (n.to_string(), "weeks", false),
        Tsi::Month => (n.to_string(), "months", false),
        Tsi::Quarter => (format!("({n}) * 3"), "months", false),
        Tsi::Year => (n.to_string(), "years", false),
    };
    let base = if sub_day {
        format!("CAST({ts} AS TIMESTAMP)")
    } else {
        format!("({ts})")
    };
    format!("({base} + CAST(CAST({amount} AS VARCHAR) || ' {unit_name}' AS INTERVAL))")
}

/// Whole intervals from `a` to `b`. Clock units count elapsed time (truncated toward zero);
/// calendar units count month/quarter/year boundaries crossed, as SQL Server's DATEDIFF does.
fn timestamp_diff(unit: Tsi, a: &str, b: &str) -> Result<String> {
    let elapsed = |seconds: u32| {
        let diff = format!("date_part('epoch', {b}) - date_part('epoch', {a})");
        let scaled = if seconds == 1 {
            diff
        } else {
            format!("({diff}) / {seconds}")
        };
        Ok(format!("CAST(trunc({scaled}) AS BIGINT)"))
    };
    let years = format!("({} - {})", date_part("year", b), date_part("year", a));
    match unit {
        Tsi::FracSecond => Err(syntax(
            "[apiodbc] TIMESTAMPDIFF(SQL_TSI_FRAC_SECOND, …) is not supported; the smallest \
             supported interval is SQL_TSI_SECOND"
                .to_string(),
        )),
        Tsi::Second => elapsed(1),
        Tsi::Minute => elapsed(60),
        Tsi::Hour => elapsed(3_600),
        Tsi::Day => elapsed(86_400),
        Tsi::Week => elapsed(604_800),
        // These two name each timestamp twice, so a ? marker there cannot be numbered correctly.
        Tsi::Month | Tsi::Quarter if has_marker(a) || has_marker(b) => Err(syntax(
            "[apiodbc] TIMESTAMPDIFF(SQL_TSI_MONTH or SQL_TSI_QUARTER, …) cannot take a ? \
             parameter marker as a timestamp; pass a literal or a column, or use SQL_TSI_DAY"
                .to_string(),
        )),
        Tsi::Month => Ok(format!(
            "CAST({years} * 12 + ({} - {}) AS BIGINT)",
            date_part("month", b),
            date_part("month", a)
        )),
        Tsi::Quarter => Ok(format!(
            "CAST({years} * 4 + ({} - {}) AS BIGINT)",
            date_part("quarter", b),
            date_part("quarter", a)
        )),
        Tsi::Year => Ok(format!("CAST({years} AS BIGINT)")),
    }
}

/// The DataFusion type for CONVERT's SQL_xxx type keyword.
fn convert_type(arg: &str) -> Result<&'static str> {
    Ok(match arg.trim().to_ascii_uppercase().as_str() {
        "SQL_BIGINT" => "BIGINT",
        "SQL_INTEGER" => "INT",
        "SQL_SMALLINT" => "SMALLINT",
        "SQL_TINYINT" => "TINYINT",
        "SQL_BIT" => "BOOLEAN",
        "SQL_CHAR" | "SQL_VARCHAR" | "SQL_LONGVARCHAR" | "SQL_WCHAR" | "SQL_WVARCHAR"
        | "SQL_WLONGVARCHAR" => "VARCHAR",
        "SQL_DOUBLE" | "SQL_FLOAT" => "DOUBLE",
        "SQL_REAL" => "REAL",
        "SQL_DECIMAL" | "SQL_NUMERIC" => "DECIMAL(38,10)",
        "SQL_DATE" | "SQL_TYPE_DATE" => "DATE",
        "SQL_TIME" | "SQL_TYPE_TIME" => "TIME",
        "SQL_TIMESTAMP" | "SQL_TYPE_TIMESTAMP" => "TIMESTAMP",
        "SQL_BINARY" | "SQL_VARBINARY" | "SQL_LONGVARBINARY" => "BYTEA",
        _ => {
            return Err(syntax(format!(
                "[apiodbc] CONVERT to '{}' is not supported; use one of SQL_BIGINT, SQL_INTEGER, \
                 SQL_SMALLINT, SQL_TINYINT, SQL_BIT, SQL_CHAR, SQL_VARCHAR, SQL_LONGVARCHAR, \
                 SQL_WCHAR, SQL_WVARCHAR, SQL_WLONGVARCHAR, SQL_DOUBLE, SQL_FLOAT, SQL_REAL, \
                 SQL_DECIMAL, SQL_NUMERIC, SQL_DATE, SQL_TYPE_DATE, SQL_TIME, SQL_TYPE_TIME, \
                 SQL_TIMESTAMP, SQL_TYPE_TIMESTAMP, SQL_BINARY, SQL_VARBINARY, SQL_LONGVARBINARY",
                arg.trim()
            )))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> TranslateContext {
        TranslateContext {
            database: "pipedrive".to_string(),
            user: "o'brien".to_string(),
        }
    }

    fn tr(sql: &str) -> String {
        match translate(sql, &ctx()) {
            Ok(s) => s,
            Err(e) => panic!("{sql} failed: {e}"),
        }
    }

    fn fails(sql: &str) -> Error {
        match translate(sql, &ctx()) {
            Ok(s) => panic!("{sql} should fail, gave {s}"),
            Err(e) => e,
        }
    }

    fn f(call: &str) -> String {
        tr(&format!("{{fn {call}}}"))
    }

    #[test]
    fn text_without_escapes_is_unchanged() {
        for sql in [
            "SELECT a, b FROM t WHERE x = 'y'",
            "SELECT \"we{ird}\" FROM t -- {fn x}",
            "",
            "SELECT 'é{' || '}ü' FROM t",
        ] {
            assert_eq!(tr(sql), sql);
        }
    }

    #[test]
    fn datetime_literals() {
        assert_eq!(
            tr("SELECT * FROM t WHERE d = {d '2024-02-29'}"),
            "SELECT * FROM t WHERE d = DATE '2024-02-29'"
        );
        assert_eq!(tr("{t '23:59:59'}"), "TIME '23:59:59'");
        assert_eq!(tr("{t '00:00:00.5'}"), "TIME '00:00:00.5'");
        assert_eq!(
            tr("{ts '2024-01-02 03:04:05.123456789'}"),
            "TIMESTAMP '2024-01-02 03:04:05.123456789'"
        );
        assert_eq!(
            tr("{  TS   '2024-01-02 03:04:05'  }"),
            "TIMESTAMP '2024-01-02 03:04:05'"
        );
        assert_eq!(tr("{D '1999-12-31'}"), "DATE '1999-12-31'");
    }

    #[test]
    fn bad_datetime_literals_are_22007() {
        for sql in [
            "{d '2023-02-29'}",
            "{d '2024-13-01'}",
            "{d '2024-1-01'}",
            "{d '2024-01-01 10:00:00'}",
            "{t '24:00:00'}",
            "{t '12:60:00'}",
            "{t '12:00:00.'}",
            "{t '12:00:00.1234567890'}",
            "{ts '2024-01-01'}",
            "{ts '2024-01-01T10:00:00'}",
            "{d ''}",
        ] {
            let e = fails(sql);
            assert_eq!(e.state, state::INVALID_DATETIME_FORMAT, "{sql}");
            assert!(e.message.starts_with("[apiodbc] "), "{}", e.message);
            assert!(e.message.contains("escape {"), "{}", e.message);
        }
    }

    #[test]
    fn datetime_escape_without_a_literal_is_42000() {
        for sql in [
            "{d 2024-01-01}",
            "{d ?}",
            "{ts '2024-01-01 10:00:00' || 'x'}",
        ] {
            let e = fails(sql);
            assert_eq!(e.state, state::SYNTAX_ERROR, "{sql}");
            assert!(e.message.contains("quoted literal"), "{}", e.message);
        }
        // An unclosed quote swallows the brace: the user is told the escape is not closed.
        let e = fails("{d '2024-01-01}");
        assert_eq!(e.state, state::SYNTAX_ERROR);
        assert!(e.message.contains("not closed"), "{}", e.message);
    }

    #[test]
    fn outer_join_and_like_escape() {
        assert_eq!(
            tr("SELECT * FROM {oj a LEFT OUTER JOIN b ON a.id = b.id} WHERE 1=1"),
            "SELECT * FROM a LEFT OUTER JOIN b ON a.id = b.id WHERE 1=1"
        );
        assert_eq!(
            tr("SELECT * FROM t WHERE n LIKE 'a\\_%' {escape '\\'}"),
            "SELECT * FROM t WHERE n LIKE 'a\\_%' ESCAPE '\\'"
        );
        assert_eq!(tr("x LIKE y{ESCAPE '!'}"), "x LIKE y ESCAPE '!'");
        assert_eq!(fails("x LIKE 'a' {escape 'ab'}").state, state::SYNTAX_ERROR);
        assert_eq!(fails("x LIKE 'a' {escape ''}").state, state::SYNTAX_ERROR);
    }

    #[test]
    fn like_escape_other_than_backslash_rewrites_a_literal_pattern() {
        // DataFusion executes LIKE only with a backslash escape.
        assert_eq!(
            tr("x LIKE 'a!%b!_c\\d!!' {escape '!'}"),
            "x LIKE 'a\\%b\\_c\\\\d\\!' ESCAPE '\\'"
        );
        assert_eq!(
            tr("x LIKE 'it''s#%'{escape '#'} AND y = 1"),
            "x LIKE 'it''s\\%' ESCAPE '\\' AND y = 1"
        );
        assert_eq!(tr("x LIKE 'a!' {escape '!'}"), "x LIKE 'a!' ESCAPE '\\'");
        // Not a literal: the clause is kept as written.
        assert_eq!(tr("x LIKE ? {escape '!'}"), "x LIKE ? ESCAPE '!'");
        assert_eq!(tr("x LIKE E'a!%' {escape '!'}"), "x LIKE E'a!%' ESCAPE '!'");
        assert_eq!(
            tr("x LIKE 'a' || y {escape '!'}"),
            "x LIKE 'a' || y ESCAPE '!'"
        );
        assert_eq!(fails("x LIKE 'a' {escape}").state, state::SYNTAX_ERROR);
    }

    #[test]
    fn escapes_inside_literals_identifiers_and_comments_are_left_alone() {
        for sql in [
            "SELECT '{fn UCASE(x)}' FROM t",
            "SELECT 'it''s {d ''2024''}' FROM t",
            "SELECT \"{fn x}\" FROM t",
            "SELECT `{fn x}` FROM t",
            "SELECT 1 -- {fn NOPE()}\nFROM t",
            "SELECT 1 /* {fn NOPE()} /* nested */ {d 'x'} */ FROM t",
            "SELECT E'\\' {fn NOPE()}' FROM t",
        ] {
            assert_eq!(tr(sql), sql);
        }
        assert_eq!(
            tr("SELECT '{d}', {fn UCASE('}')} -- }\n"),
            "SELECT '{d}', upper('}') -- }\n"
        );
        // A comment inside an escape does not hide its closing brace.
        assert_eq!(tr("{fn UCASE(x /* ) } */)}"), "upper(x /* ) } */)");
    }

    #[test]
    fn nesting_and_case() {
        assert_eq!(
            tr("SELECT {fn UCASE({fn LTRIM(x)})} FROM t"),
            "SELECT upper(ltrim(x)) FROM t"
        );
        assert_eq!(
            tr("{FN concat({fn lcase( a )}, {Fn CONCAT('-', {fn RTRIM(b)})})}"),
            "concat(lower(a), concat('-', rtrim(b)))"
        );
        assert_eq!(tr("{ fn  ucase ( 'a' ) }"), "upper('a')");
        assert_eq!(
            tr("{fn IFNULL({fn CONVERT(x, SQL_VARCHAR)}, 'n/a')}"),
            "coalesce(CAST(x AS VARCHAR), 'n/a')"
        );
        assert_eq!(
            tr("{fn LEFT(a, {fn LOCATE(',', a)})}"),
            "left(a, strpos(a, ','))"
        );
        assert_eq!(tr("{fn SUBSTRING(s, 1, (2 + 3))}"), "substr(s, 1, (2 + 3))");
        assert_eq!(tr("{fn UCASE('a,b(')}"), "upper('a,b(')");
    }

    #[test]
    fn string_functions() {
        let cases = [
            ("ASCII('a')", "ascii('a')"),
            ("BIT_LENGTH(s)", "bit_length(s)"),
            ("CHAR(65)", "chr(65)"),
            ("CHAR_LENGTH(s)", "char_length(s)"),
            ("CHARACTER_LENGTH(s)", "char_length(s)"),
            ("CONCAT(a, b)", "concat(a, b)"),
            (
                "INSERT(s, 2, 3, 'xy')",
                "overlay(s placing 'xy' from 2 for 3)",
            ),
            ("LCASE(s)", "lower(s)"),
            ("LEFT(s, 2)", "left(s, 2)"),
            ("LENGTH(s)", "char_length(rtrim(s))"),
            ("LOCATE('b', s)", "strpos(s, 'b')"),
            (
                "LOCATE('b', s, 3)",
                "CASE WHEN strpos(substr(s, 3), 'b') = 0 THEN 0 \
                 ELSE strpos(substr(s, 3), 'b') + (3) - 1 END",
            ),
            ("LTRIM(s)", "ltrim(s)"),
            ("OCTET_LENGTH(s)", "octet_length(s)"),
            ("POSITION('b' IN s)", "strpos(s, 'b')"),
            ("POSITION('in' in lower(s))", "strpos(lower(s), 'in')"),
            ("REPEAT(s, 3)", "repeat(s, 3)"),
            ("REPLACE(s, 'a', 'b')", "replace(s, 'a', 'b')"),
            ("RIGHT(s, 2)", "right(s, 2)"),
            ("RTRIM(s)", "rtrim(s)"),
            ("SPACE(4)", "repeat(' ', 4)"),
            ("SUBSTRING(s, 2)", "substr(s, 2)"),
            ("SUBSTRING(s, 2, 3)", "substr(s, 2, 3)"),
            ("UCASE(s)", "upper(s)"),
        ];
        for (odbc, df) in cases {
            assert_eq!(f(odbc), df, "{odbc}");
        }
    }

    #[test]
    fn numeric_functions() {
        let cases = [
            ("ABS(x)", "abs(x)"),
            ("ACOS(x)", "acos(x)"),
            ("ASIN(x)", "asin(x)"),
            ("ATAN(x)", "atan(x)"),
            ("ATAN2(y, x)", "atan2(y, x)"),
            ("CEILING(x)", "ceil(x)"),
            ("COS(x)", "cos(x)"),
            ("COT(x)", "cot(x)"),
            ("DEGREES(x)", "degrees(x)"),
            ("EXP(x)", "exp(x)"),
            ("FLOOR(x)", "floor(x)"),
            ("LOG(x)", "ln(x)"),
            ("LOG10(x)", "log10(x)"),
            ("MOD(a, b + 1)", "((a) % (b + 1))"),
            ("PI()", "pi()"),
            ("POWER(x, 2)", "power(x, 2)"),
            ("RADIANS(x)", "radians(x)"),
            ("RAND()", "random()"),
            ("ROUND(x, 2)", "round(x, 2)"),
            ("ROUND(x)", "round(x)"),
            ("SIGN(x)", "signum(x)"),
            ("SIN(x)", "sin(x)"),
            ("SQRT(x)", "sqrt(x)"),
            ("TAN(x)", "tan(x)"),
            ("TRUNCATE(x, 1)", "trunc(x, 1)"),
        ];
        for (odbc, df) in cases {
            assert_eq!(f(odbc), df, "{odbc}");
        }
        let e = fails("{fn RAND(42)}");
        assert!(e.message.contains("seed"), "{}", e.message);
    }

    #[test]
    fn parameter_markers_are_never_duplicated() {
        assert_eq!(
            f("LOCATE(?, s, ?)"),
            "coalesce(nullif(strpos(substr(s, ?), ?), 0) + (?) - 1, 0)"
        );
        // A ? inside a literal is not a marker.
        assert!(f("LOCATE('?', s, 2)").starts_with("CASE"));
        assert_eq!(
            f("TIMESTAMPDIFF(SQL_TSI_DAY, ?, b)"),
            "CAST(trunc((date_part('epoch', b) - date_part('epoch', ?)) / 86400) AS BIGINT)"
        );
        assert_eq!(
            f("TIMESTAMPDIFF(SQL_TSI_YEAR, ?, ?)"),
            "CAST((date_part('year', ?) - date_part('year', ?)) AS BIGINT)"
        );
        for unit in ["SQL_TSI_MONTH", "SQL_TSI_QUARTER"] {
            let e = fails(&format!("{{fn TIMESTAMPDIFF({unit}, ?, b)}}"));
            assert_eq!(e.state, state::SYNTAX_ERROR);
            assert!(e.message.contains("parameter marker"), "{}", e.message);
        }
        // Every translation of a function whose arguments are all markers keeps their count.
        let calls = [
            "INSERT(?, ?, ?, ?)",
            "LENGTH(?)",
            "SPACE(?)",
            "MOD(?, ?)",
            "DAYOFWEEK(?)",
            "TIMESTAMPADD(SQL_TSI_QUARTER, ?, ?)",
            "TIMESTAMPADD(SQL_TSI_HOUR, ?, ?)",
            "TIMESTAMPDIFF(SQL_TSI_SECOND, ?, ?)",
            "CONVERT(?, SQL_INTEGER)",
            "POSITION(? IN ?)",
            "EXTRACT(YEAR FROM ?)",
            "IFNULL(?, ?)",
            "SUBSTRING(?, ?, ?)",
            "LOCATE(?, ?)",
        ];
        for call in calls {
            let markers = |s: &str| s.matches('?').count();
            assert_eq!(markers(&f(call)), markers(call), "{call}");
        }
    }

    #[test]
    fn date_time_functions() {
        let cases = [
            ("CURDATE()", "current_date()"),
            ("CURRENT_DATE()", "current_date()"),
            ("CURTIME()", "current_time()"),
            ("CURRENT_TIME()", "current_time()"),
            ("CURRENT_TIME(3)", "current_time()"),
            ("CURRENT_TIMESTAMP()", "now()"),
            ("CURRENT_TIMESTAMP(6)", "now()"),
            ("NOW()", "now()"),
            ("NOW", "now()"),
            ("DAYNAME(d)", "to_char(d, '%A')"),
            ("MONTHNAME(d)", "to_char(d, '%B')"),
            ("DAYOFMONTH(d)", "date_part('day', d)"),
            ("DAYOFWEEK(d)", "(date_part('dow', d) + 1)"),
            ("DAYOFYEAR(d)", "date_part('doy', d)"),
            ("EXTRACT(YEAR FROM d)", "date_part('year', d)"),
            ("EXTRACT(second from ts)", "date_part('second', ts)"),
            ("HOUR(t)", "date_part('hour', t)"),
            ("MINUTE(t)", "date_part('minute', t)"),
            ("MONTH(d)", "date_part('month', d)"),
            ("QUARTER(d)", "date_part('quarter', d)"),
            ("SECOND(t)", "date_part('second', t)"),
            ("WEEK(d)", "date_part('week', d)"),
            ("YEAR(d)", "date_part('year', d)"),
        ];
        for (odbc, df) in cases {
            assert_eq!(f(odbc), df, "{odbc}");
        }
        assert_eq!(fails("{fn EXTRACT(DOW FROM d)}").state, state::SYNTAX_ERROR);
        assert_eq!(fails("{fn EXTRACT(d)}").state, state::SYNTAX_ERROR);
        assert_eq!(fails("{fn POSITION('a', s)}").state, state::SYNTAX_ERROR);
    }

    #[test]
    fn timestampadd_every_interval() {
        let cases = [
            (
                "SQL_TSI_FRAC_SECOND",
                "CAST(ts AS TIMESTAMP)",
                "n - 1",
                "nanoseconds",
            ),
            (
                "SQL_TSI_SECOND",
                "CAST(ts AS TIMESTAMP)",
                "n - 1",
                "seconds",
            ),
            (
                "SQL_TSI_MINUTE",
                "CAST(ts AS TIMESTAMP)",
                "n - 1",
                "minutes",
            ),
            ("SQL_TSI_HOUR", "CAST(ts AS TIMESTAMP)", "n - 1", "hours"),
            ("SQL_TSI_DAY", "(ts)", "n - 1", "days"),
            ("sql_tsi_week", "(ts)", "n - 1", "weeks"),
            ("SQL_TSI_MONTH", "(ts)", "n - 1", "months"),
            ("SQL_TSI_QUARTER", "(ts)", "(n - 1) * 3", "months"),
            ("YEAR", "(ts)", "n - 1", "years"),
        ];
        for (unit, base, amount, name) in cases {
            assert_eq!(
                f(&format!("TIMESTAMPADD({unit}, n - 1, ts)")),
                format!("({base} + CAST(CAST({amount} AS VARCHAR) || ' {name}' AS INTERVAL))"),
            );
        }
        assert_eq!(
            fails("{fn TIMESTAMPADD(SQL_TSI_FORTNIGHT, 1, ts)}").state,
            state::SYNTAX_ERROR
        );
    }

    #[test]
    fn timestampdiff_every_interval() {
        let epoch = "date_part('epoch', b) - date_part('epoch', a)";
        let cases = [
            ("SQL_TSI_SECOND", format!("CAST(trunc({epoch}) AS BIGINT)")),
            (
                "SQL_TSI_MINUTE",
                format!("CAST(trunc(({epoch}) / 60) AS BIGINT)"),
            ),
            (
                "SQL_TSI_HOUR",
                format!("CAST(trunc(({epoch}) / 3600) AS BIGINT)"),
            ),
            (
                "SQL_TSI_DAY",
                format!("CAST(trunc(({epoch}) / 86400) AS BIGINT)"),
            ),
            (
                "SQL_TSI_WEEK",
                format!("CAST(trunc(({epoch}) / 604800) AS BIGINT)"),
            ),
            (
                "SQL_TSI_MONTH",
                "CAST((date_part('year', b) - date_part('year', a)) * 12 + \
                 (date_part('month', b) - date_part('month', a)) AS BIGINT)"
                    .to_string(),
            ),
            (
                "SQL_TSI_QUARTER",
                "CAST((date_part('year', b) - date_part('year', a)) * 4 + \
                 (date_part('quarter', b) - date_part('quarter', a)) AS BIGINT)"
                    .to_string(),
            ),
            (
                "SQL_TSI_YEAR",
                "CAST((date_part('year', b) - date_part('year', a)) AS BIGINT)".to_string(),
            ),
        ];
        for (unit, sql) in cases {
            assert_eq!(f(&format!("TIMESTAMPDIFF({unit}, a, b)")), sql, "{unit}");
        }
        assert_eq!(
            fails("{fn TIMESTAMPDIFF(SQL_TSI_FRAC_SECOND, a, b)}").state,
            state::SYNTAX_ERROR
        );
    }

    #[test]
    fn system_functions() {
        assert_eq!(f("DATABASE()"), "'pipedrive'");
        assert_eq!(f("USER()"), "'o''brien'");
        assert_eq!(f("IFNULL(a, 0)"), "coalesce(a, 0)");
        assert_eq!(fails("{fn USER(x)}").state, state::SYNTAX_ERROR);
    }

    #[test]
    fn convert_every_type() {
        let cases = [
            ("SQL_BIGINT", "BIGINT"),
            ("SQL_INTEGER", "INT"),
            ("SQL_SMALLINT", "SMALLINT"),
            ("SQL_TINYINT", "TINYINT"),
            ("SQL_BIT", "BOOLEAN"),
            ("SQL_CHAR", "VARCHAR"),
            ("SQL_VARCHAR", "VARCHAR"),
            ("SQL_LONGVARCHAR", "VARCHAR"),
            ("SQL_WCHAR", "VARCHAR"),
            ("SQL_WVARCHAR", "VARCHAR"),
            ("sql_wlongvarchar", "VARCHAR"),
            ("SQL_DOUBLE", "DOUBLE"),
            ("SQL_FLOAT", "DOUBLE"),
            ("SQL_REAL", "REAL"),
            ("SQL_DECIMAL", "DECIMAL(38,10)"),
            ("SQL_NUMERIC", "DECIMAL(38,10)"),
            ("SQL_DATE", "DATE"),
            ("SQL_TYPE_DATE", "DATE"),
            ("SQL_TIME", "TIME"),
            ("SQL_TYPE_TIME", "TIME"),
            ("SQL_TIMESTAMP", "TIMESTAMP"),
            ("SQL_TYPE_TIMESTAMP", "TIMESTAMP"),
            ("SQL_BINARY", "BYTEA"),
            ("SQL_VARBINARY", "BYTEA"),
            ("SQL_LONGVARBINARY", "BYTEA"),
        ];
        for (odbc, df) in cases {
            assert_eq!(
                f(&format!("CONVERT(a + 1, {odbc})")),
                format!("CAST(a + 1 AS {df})")
            );
        }
        let e = fails("{fn CONVERT(a, SQL_GUID)}");
        assert_eq!(e.state, state::SYNTAX_ERROR);
        assert!(e.message.contains("SQL_GUID"), "{}", e.message);
    }

    #[test]
    fn unknown_and_unsupported_functions() {
        for name in ["FOO", "SOUNDEX", "DIFFERENCE"] {
            let e = fails(&format!("SELECT {{fn {name}(x)}}"));
            assert_eq!(e.state, state::SYNTAX_ERROR);
            assert_eq!(
                e.message,
                format!(
                    "[apiodbc] The ODBC scalar function {name} is not supported; see \
                     SQLGetInfo(SQL_STRING_FUNCTIONS) for the supported ones"
                )
            );
        }
    }

    #[test]
    fn malformed_escapes() {
        let cases = [
            ("SELECT {fn UCASE(x)", "not closed"),
            ("{fn UCASE(x}", "malformed"),
            ("{fn UCASE(x) y}", "malformed"),
            ("{fn (x)}", "function name"),
            ("{fn LEFT(x)}", "takes 2 arguments, but 1 were given"),
            ("{fn SUBSTRING(x)}", "takes 2 to 3 arguments"),
            ("{fn CONCAT(a)}", "at least 2"),
            ("{fn UCASE(a, , b)}", "empty argument"),
            ("{interval '1' day}", "not supported"),
            ("{guid '1'}", "not supported"),
        ];
        for (sql, needle) in cases {
            let e = fails(sql);
            assert_eq!(e.state, state::SYNTAX_ERROR, "{sql}");
            assert!(e.message.contains(needle), "{sql}: {}", e.message);
            assert!(e.message.starts_with("[apiodbc] "), "{}", e.message);
        }
    }

    #[test]
    fn call_escapes_are_not_translated() {
        for sql in [
            "{call p(?)}",
            "SELECT 1; {call p}",
            "{?= call p(?)}",
            "{ ? = call p}",
        ] {
            let e = fails(sql);
            assert_eq!(e.state, state::SYNTAX_ERROR);
            assert!(e.message.contains("{call"), "{}", e.message);
        }
    }

    #[test]
    fn braces_that_are_not_escapes_are_kept() {
        assert_eq!(tr("SELECT {'a': 1}"), "SELECT {'a': 1}");
        assert_eq!(tr("SELECT 1 }"), "SELECT 1 }");
    }

    #[test]
    fn bitmasks_match_what_is_translated() {
        // Every advertised function translates; the masks are exactly the OR of their bits.
        let string = [
            (SQL_FN_STR_CONCAT, "CONCAT('a', 'b')"),
            (SQL_FN_STR_INSERT, "INSERT('abc', 1, 1, 'x')"),
            (SQL_FN_STR_LEFT, "LEFT('a', 1)"),
            (SQL_FN_STR_LTRIM, "LTRIM('a')"),
            (SQL_FN_STR_LENGTH, "LENGTH('a')"),
            (SQL_FN_STR_LOCATE, "LOCATE('a', 'b', 1)"),
            (SQL_FN_STR_LOCATE_2, "LOCATE('a', 'b')"),
            (SQL_FN_STR_LCASE, "LCASE('a')"),
            (SQL_FN_STR_REPEAT, "REPEAT('a', 2)"),
            (SQL_FN_STR_REPLACE, "REPLACE('a', 'a', 'b')"),
            (SQL_FN_STR_RIGHT, "RIGHT('a', 1)"),
            (SQL_FN_STR_RTRIM, "RTRIM('a')"),
            (SQL_FN_STR_SUBSTRING, "SUBSTRING('a', 1, 1)"),
            (SQL_FN_STR_UCASE, "UCASE('a')"),
            (SQL_FN_STR_ASCII, "ASCII('a')"),
            (SQL_FN_STR_CHAR, "CHAR(65)"),
            (SQL_FN_STR_SPACE, "SPACE(2)"),
            (SQL_FN_STR_BIT_LENGTH, "BIT_LENGTH('a')"),
            (SQL_FN_STR_CHAR_LENGTH, "CHAR_LENGTH('a')"),
            (SQL_FN_STR_CHARACTER_LENGTH, "CHARACTER_LENGTH('a')"),
            (SQL_FN_STR_OCTET_LENGTH, "OCTET_LENGTH('a')"),
            (SQL_FN_STR_POSITION, "POSITION('a' IN 'b')"),
        ];
        let numeric = [
            (SQL_FN_NUM_ABS, "ABS(1)"),
            (SQL_FN_NUM_ACOS, "ACOS(1)"),
            (SQL_FN_NUM_ASIN, "ASIN(1)"),
            (SQL_FN_NUM_ATAN, "ATAN(1)"),
            (SQL_FN_NUM_ATAN2, "ATAN2(1, 1)"),
            (SQL_FN_NUM_CEILING, "CEILING(1)"),
            (SQL_FN_NUM_COS, "COS(1)"),
            (SQL_FN_NUM_COT, "COT(1)"),
            (SQL_FN_NUM_EXP, "EXP(1)"),
            (SQL_FN_NUM_FLOOR, "FLOOR(1)"),
            (SQL_FN_NUM_LOG, "LOG(1)"),
            (SQL_FN_NUM_MOD, "MOD(1, 1)"),
            (SQL_FN_NUM_SIGN, "SIGN(1)"),
            (SQL_FN_NUM_SIN, "SIN(1)"),
            (SQL_FN_NUM_SQRT, "SQRT(1)"),
            (SQL_FN_NUM_TAN, "TAN(1)"),
            (SQL_FN_NUM_PI, "PI()"),
            (SQL_FN_NUM_RAND, "RAND()"),
            (SQL_FN_NUM_DEGREES, "DEGREES(1)"),
            (SQL_FN_NUM_LOG10, "LOG10(1)"),
            (SQL_FN_NUM_POWER, "POWER(1, 1)"),
            (SQL_FN_NUM_RADIANS, "RADIANS(1)"),
            (SQL_FN_NUM_ROUND, "ROUND(1, 1)"),
            (SQL_FN_NUM_TRUNCATE, "TRUNCATE(1, 1)"),
        ];
        let timedate = [
            (SQL_FN_TD_NOW, "NOW()"),
            (SQL_FN_TD_CURDATE, "CURDATE()"),
            (SQL_FN_TD_DAYOFMONTH, "DAYOFMONTH(d)"),
            (SQL_FN_TD_DAYOFWEEK, "DAYOFWEEK(d)"),
            (SQL_FN_TD_DAYOFYEAR, "DAYOFYEAR(d)"),
            (SQL_FN_TD_MONTH, "MONTH(d)"),
            (SQL_FN_TD_QUARTER, "QUARTER(d)"),
            (SQL_FN_TD_WEEK, "WEEK(d)"),
            (SQL_FN_TD_YEAR, "YEAR(d)"),
            (SQL_FN_TD_CURTIME, "CURTIME()"),
            (SQL_FN_TD_HOUR, "HOUR(d)"),
            (SQL_FN_TD_MINUTE, "MINUTE(d)"),
            (SQL_FN_TD_SECOND, "SECOND(d)"),
            (SQL_FN_TD_TIMESTAMPADD, "TIMESTAMPADD(SQL_TSI_DAY, 1, d)"),
            (SQL_FN_TD_TIMESTAMPDIFF, "TIMESTAMPDIFF(SQL_TSI_DAY, d, d)"),
            (SQL_FN_TD_DAYNAME, "DAYNAME(d)"),
            (SQL_FN_TD_MONTHNAME, "MONTHNAME(d)"),
            (SQL_FN_TD_CURRENT_DATE, "CURRENT_DATE()"),
            (SQL_FN_TD_CURRENT_TIME, "CURRENT_TIME()"),
            (SQL_FN_TD_CURRENT_TIMESTAMP, "CURRENT_TIMESTAMP()"),
            (SQL_FN_TD_EXTRACT, "EXTRACT(YEAR FROM d)"),
        ];
        let system = [
            (SQL_FN_SYS_USERNAME, "USER()"),
            (SQL_FN_SYS_DBNAME, "DATABASE()"),
            (SQL_FN_SYS_IFNULL, "IFNULL(a, b)"),
        ];
        for (table, mask) in [
            (&string[..], STRING_FUNCTIONS),
            (&numeric[..], NUMERIC_FUNCTIONS),
            (&timedate[..], TIMEDATE_FUNCTIONS),
            (&system[..], SYSTEM_FUNCTIONS),
        ] {
            let mut bits = 0;
            for (bit, call) in table {
                assert!(
                    translate(&format!("{{fn {call}}}"), &ctx()).is_ok(),
                    "{call}"
                );
                bits |= bit;
            }
            assert_eq!(bits, mask);
        }
        assert_eq!(CONVERT_FUNCTIONS, 0x3);
        assert!(translate("{fn CONVERT(1, SQL_INTEGER)}", &ctx()).is_ok());

        let units = [
            (SQL_FN_TSI_FRAC_SECOND, "SQL_TSI_FRAC_SECOND"),
            (SQL_FN_TSI_SECOND, "SQL_TSI_SECOND"),
            (SQL_FN_TSI_MINUTE, "SQL_TSI_MINUTE"),
            (SQL_FN_TSI_HOUR, "SQL_TSI_HOUR"),
            (SQL_FN_TSI_DAY, "SQL_TSI_DAY"),
            (SQL_FN_TSI_WEEK, "SQL_TSI_WEEK"),
            (SQL_FN_TSI_MONTH, "SQL_TSI_MONTH"),
            (SQL_FN_TSI_QUARTER, "SQL_TSI_QUARTER"),
            (SQL_FN_TSI_YEAR, "SQL_TSI_YEAR"),
        ];
        let (mut add, mut diff) = (0, 0);
        for (bit, unit) in units {
            if translate(&format!("{{fn TIMESTAMPADD({unit}, 1, d)}}"), &ctx()).is_ok() {
                add |= bit;
            }
            if translate(&format!("{{fn TIMESTAMPDIFF({unit}, d, d)}}"), &ctx()).is_ok() {
                diff |= bit;
            }
        }
        assert_eq!(add, TIMEDATE_ADD_INTERVALS);
        assert_eq!(diff, TIMEDATE_DIFF_INTERVALS);
    }
}
