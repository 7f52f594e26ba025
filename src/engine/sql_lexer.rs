//! The lexical rules the engine's hand-written SQL scanners share: escape translation (`escape`),
//! `?` marker numbering (`placeholders`) and procedure-call parsing (`procedure_call`). Each of
//! them asks here which bytes make a word and where a string literal, quoted identifier or comment
//! that starts at a position ends, so they cannot disagree about what is inside a literal: if they
//! did, a `?` one of them skipped could be a parameter the other numbers, or a `{` inside a
//! literal could be taken for an escape.
//!
//! The base rules are meant to match DataFusion's parser, which reads the statement after us. The
//! only departures are the opt-in `Quoting::ProcedureCall` extensions, which must never be used on
//! text DataFusion parses (there `[` is an array subscript).
//!
//! This module finds boundaries (and unquotes a run's body on request). It must not build tokens
//! or report errors: what an unclosed literal means is each caller's decision. sqlparser's
//! tokenizer, which `complexity` uses to count tokens, is a different tool and is not replaced.

pub(crate) fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// Which quoting rules a scanner reads by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Quoting {
    /// What DataFusion's parser accepts: `'…'`, `E'…'`, `"…"` and `` `…` ``.
    DataFusion,
    /// DataFusion's rules plus SQL Server's `N'…'` and `[…]`, because procedure calls are often
    /// written for SQL Server (`EXEC [dbo].[p] N'x'`) and never reach DataFusion's parser.
    ProcedureCall,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum QuoteKind {
    /// `'…'`.
    String,
    /// PostgreSQL's `E'…'`, where a backslash escapes the byte after it.
    EscapeString,
    /// `"…"` or `` `…` ``.
    Identifier,
    /// `N'…'` (`Quoting::ProcedureCall` only).
    NationalString,
    /// `[…]` (`Quoting::ProcedureCall` only).
    Bracketed,
}

/// A quoted run found by `quoted_run`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct QuotedRun {
    pub kind: QuoteKind,
    /// The first byte after the opening quote.
    body_start: usize,
    /// Just past the closing quote; the end of the text when the run is not closed.
    pub end: usize,
    pub closed: bool,
    close: u8,
}

impl QuotedRun {
    /// The text between the quotes with each doubled closing quote made single. An `E'…'` run's
    /// backslash escapes are left as written: only DataFusion decodes them.
    pub fn body(&self, sql: &str) -> String {
        let body_end = if self.closed { self.end - 1 } else { self.end };
        let quote = char::from(self.close).to_string();
        sql[self.body_start..body_end].replace(&quote.repeat(2), &quote)
    }
}

/// The quoted run (string literal or quoted identifier) that opens at `i`, if one does.
pub(crate) fn quoted_run(b: &[u8], i: usize, quoting: Quoting) -> Option<QuotedRun> {
    let c = *b.get(i)?;
    let extended = quoting == Quoting::ProcedureCall;
    let (kind, body_start, close, backslash) = match c {
        b'\'' => (QuoteKind::String, i + 1, b'\'', false),
        b'e' | b'E' if prefixes_quote(b, i) => (QuoteKind::EscapeString, i + 2, b'\'', true),
        b'"' | b'`' => (QuoteKind::Identifier, i + 1, c, false),
        b'n' | b'N' if extended && prefixes_quote(b, i) => {
            (QuoteKind::NationalString, i + 2, b'\'', false)
        }
        b'[' if extended => (QuoteKind::Bracketed, i + 1, b']', false),
        _ => return None,
    };
    let (end, closed) = skip_quoted(b, body_start, close, backslash);
    Some(QuotedRun {
        kind,
        body_start,
        end,
        closed,
        close,
    })
}

/// Whether the letter at `i` is the prefix of a prefixed string (`E'…'`, `N'…'`). It must not end
/// a longer word, or the closing quote of `name'` style text would be misread as an opening one.
fn prefixes_quote(b: &[u8], i: usize) -> bool {
    b.get(i + 1) == Some(&b'\'') && (i == 0 || !is_ident_byte(b[i - 1]))
}

/// When a `--` or `/* */` comment starts at `i`, the index just past its end; an unclosed one runs
/// to the end of the text.
pub(crate) fn comment_end(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i..i + 2)? {
        b"--" => Some(
            b[i..]
                .iter()
                .position(|&x| x == b'\n')
                .map_or(b.len(), |p| i + p + 1),
        ),
        b"/*" => {
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

/// When a string literal, quoted identifier or comment (DataFusion's rules) starts at `i`, the
/// index just past its end. An unterminated one runs to the end of the text: DataFusion's parser
/// reports it with a better message than we could, and nothing inside it may be taken for syntax.
pub(crate) fn skip_opaque(b: &[u8], i: usize) -> Option<usize> {
    quoted_run(b, i, Quoting::DataFusion)
        .map(|run| run.end)
        .or_else(|| comment_end(b, i))
}

/// Scans a quoted run from `j`, just after its opening quote; a doubled closing quote stands for
/// itself, and with `backslash` a backslash takes the next byte along. Returns the index after the
/// closing quote (the end of the text when there is none) and whether the run was closed.
pub(crate) fn skip_quoted(b: &[u8], mut j: usize, quote: u8, backslash: bool) -> (usize, bool) {
    while j < b.len() {
        if backslash && b[j] == b'\\' {
            j += 2;
        } else if b[j] == quote {
            if b.get(j + 1) == Some(&quote) {
                j += 2;
            } else {
                return (j + 1, true);
            }
        } else {
            j += 1;
        }
    }
    (b.len(), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(sql: &str, i: usize, quoting: Quoting) -> Option<(QuoteKind, String, bool)> {
        quoted_run(sql.as_bytes(), i, quoting).map(|r| (r.kind, r.body(sql), r.closed))
    }

    #[test]
    fn doubled_quotes_and_backslashes() {
        let df = Quoting::DataFusion;
        assert_eq!(
            run("'it''s' x", 0, df),
            Some((QuoteKind::String, "it's".into(), true))
        );
        assert_eq!(
            run("\"a\"\"b\"", 0, df),
            Some((QuoteKind::Identifier, "a\"b".into(), true))
        );
        // The backslash keeps the quote inside; the body is not decoded.
        assert_eq!(
            run("E'it\\'s'", 0, df),
            Some((QuoteKind::EscapeString, "it\\'s".into(), true))
        );
        assert_eq!(skip_opaque(b"E'it\\'s' x", 0), Some(8));
        assert_eq!(
            run("'open", 0, df),
            Some((QuoteKind::String, "open".into(), false))
        );
        assert_eq!(skip_opaque(b"'open", 0), Some(5));
    }

    #[test]
    fn a_prefix_letter_only_counts_at_the_start_of_a_word() {
        assert_eq!(quoted_run(b"name'x'", 3, Quoting::DataFusion), None);
        assert_eq!(quoted_run(b"1E'x'", 1, Quoting::DataFusion), None);
        assert_eq!(
            quoted_run(b"(N'x'", 1, Quoting::ProcedureCall).map(|r| r.kind),
            Some(QuoteKind::NationalString)
        );
        assert_eq!(quoted_run(b"aN'x'", 1, Quoting::ProcedureCall), None);
    }

    #[test]
    fn sql_server_quoting_is_opt_in() {
        assert_eq!(quoted_run(b"[a]", 0, Quoting::DataFusion), None);
        assert_eq!(quoted_run(b"N'a'", 0, Quoting::DataFusion), None);
        assert_eq!(skip_opaque(b"a[1]", 1), None);
        assert_eq!(
            run("[a]]b] c", 0, Quoting::ProcedureCall),
            Some((QuoteKind::Bracketed, "a]b".into(), true))
        );
        assert_eq!(
            run("N'ü'", 0, Quoting::ProcedureCall),
            Some((QuoteKind::NationalString, "ü".into(), true))
        );
    }

    #[test]
    fn comments() {
        assert_eq!(comment_end(b"-- a\nb", 0), Some(5));
        assert_eq!(comment_end(b"-- a", 0), Some(4));
        assert_eq!(comment_end(b"/* /* */ */x", 0), Some(11));
        assert_eq!(comment_end(b"/* open", 0), Some(7));
        assert_eq!(comment_end(b"-1", 0), None);
        assert_eq!(comment_end(b"-", 0), None);
    }
}
