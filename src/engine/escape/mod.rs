//! ODBC escape clauses (`{fn …}`, `{d …}`, `{t …}`, `{ts …}`, `{oj …}`, `{escape …}`) rewritten
//! into the SQL that DataFusion plans. This file owns the scan: it finds each escape, translates
//! what nests inside it first, and hands the body to the file that owns that kind (`functions`,
//! `literals`); `{oj …}` needs no file, its body is already SQL. Procedure calls (`{call …}`) are
//! not ours: `procedure_call` recognises them before this module runs, so meeting one here is an
//! error.
//!
//! The scanner works on bytes: every delimiter it looks for is ASCII, so every slice it takes falls
//! on a UTF-8 character boundary and non-ASCII text is copied untouched. This file must not
//! translate an escape's body itself, nor decide where a literal, quoted identifier or comment
//! ends: `sql_lexer` does, so a `{` or `?` is inside a literal for this scan exactly when it is
//! for `placeholders` and `procedure_call`.
//!
//! The SQLGetInfo bitmasks advertising what is translated are ODBC numbers, so they live at the
//! edge (`handles::info::functions`), where a test checks every bit against `translate`.

mod args;
mod convert;
mod functions;
mod literals;

pub use self::functions::TranslateContext;

use self::functions::scalar_function;
use self::literals::{datetime_literal, like_escape};
use crate::engine::complexity;
use crate::engine::errors::syntax;
use crate::engine::sql_lexer::{is_ident_byte, skip_opaque};
use crate::error::{Error, Result};

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
                "An ODBC escape clause is not closed: add the missing '}'".to_string(),
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
                if self.depth > complexity::PARSER_RECURSION_LIMIT {
                    return Err(complexity::too_complex(format!(
                        "its ODBC escape clauses nest more than {} levels deep",
                        complexity::PARSER_RECURSION_LIMIT
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
                    "The ODBC escape '{shown}' is not supported; the supported escapes \
                     are {{fn …}}, {{d …}}, {{t …}}, {{ts …}}, {{oj …}} and {{escape …}}"
                )))
            }
        }
    }
}

fn call_here() -> Error {
    syntax(
        "A {call …} escape must be the whole statement; it cannot appear inside \
         another statement"
            .to_string(),
    )
}

// Last in the file: `cargo xtask modules` reads no further than a `#[cfg(test)]`.
#[cfg(test)]
mod tests;
