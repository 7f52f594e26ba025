//! Recognises a statement that calls a stored procedure — `EXEC[UTE] name …`, `CALL name(…)`,
//! `{call name(…)}`, `{?= call name(…)}` — and parses it into a name and arguments, and counts
//! parameter markers (`?`) in any statement for SQLNumParams. Running the procedure is not ours.
//!
//! Words, literals, quoted names and comments are read by `sql_lexer`'s rules, the ones escape
//! translation and marker counting use, plus SQL Server's `N'…'` and `[…]`; so a literal ends here
//! where it ends for them, and the `?` markers this parser numbers are the ones SQLNumParams
//! counts. Errors never quote a value: a call's arguments may be codes and tokens.

use super::errors::syntax;
use super::sql_lexer::{comment_end, is_ident_byte, quoted_run, QuoteKind, QuotedRun, Quoting};
use crate::error::Result;

/// One parsed procedure call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcedureCall {
    /// Everything before the last dot of a qualified name, e.g. `sys` in `sys.GetOAuthAccessToken`.
    pub schema: Option<String>,
    pub name: String,
    pub args: Vec<ProcArg>,
    /// `{?= call …}`: the first parameter marker (number 0) receives the return value, so the
    /// arguments' markers start at 1, matching ODBC's parameter numbering.
    pub returns_value: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcArg {
    /// The parameter name without its `@`; `None` for a positional argument.
    pub name: Option<String>,
    pub value: ProcValue,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProcValue {
    /// A string literal, unquoted (`'it''s'` becomes `it's`).
    Text(String),
    /// A numeric literal as written.
    Number(String),
    Null,
    /// A `?` marker and its zero-based number in the statement.
    Parameter(usize),
}

/// `None` when `sql` is not a procedure call; otherwise the parsed call or a syntax error that
/// says what is wrong with it.
pub fn parse(sql: &str) -> Option<Result<ProcedureCall>> {
    let b = sql.as_bytes();
    let start = skip_space(b, 0);
    let form = if b.get(start) == Some(&b'{') {
        let mut i = skip_space(b, start + 1);
        if b.get(i) == Some(&b'?') {
            i = skip_space(b, i + 1);
            if b.get(i) != Some(&b'=') {
                return None;
            }
            i = skip_space(b, i + 1);
        }
        if !word_at(b, i).eq_ignore_ascii_case("call") {
            return None;
        }
        Form::Escape
    } else {
        match word_at(b, start).to_ascii_lowercase().as_str() {
            "exec" | "execute" => Form::Exec,
            "call" => Form::Call,
            _ => return None,
        }
    };
    Some(tokenize(&sql[start..]).and_then(|tokens| {
        Parser {
            tokens,
            pos: 0,
            next_marker: 0,
        }
        .statement(form)
    }))
}

/// `sql` as it may be logged. A procedure call is logged as its name and argument count only:
/// its arguments carry codes and tokens (`CALL GetOAuthAccessToken('WEB', '<code>')`) in forms no
/// masking can be sure to catch — positional, double-quoted, unquoted — and with no name beside
/// them for the log's redaction to recognise.
pub fn loggable(sql: &str) -> std::borrow::Cow<'_, str> {
    match parse(sql) {
        None => std::borrow::Cow::Borrowed(sql),
        Some(Ok(call)) => std::borrow::Cow::Owned(format!(
            "call of procedure {}{} with {} argument(s), not logged",
            call.schema.map(|s| s + ".").unwrap_or_default(),
            call.name,
            call.args.len()
        )),
        Some(Err(_)) => {
            std::borrow::Cow::Borrowed("a procedure call with a syntax error, not logged")
        }
    }
}

/// The number of `?` parameter markers outside string literals, quoted identifiers and comments.
pub fn count_parameter_markers(sql: &str) -> usize {
    super::placeholders::rewrite_markers(sql, |_| String::new()).1
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Exec,
    Call,
    Escape,
}

/// Skips whitespace and comments.
fn skip_space(b: &[u8], mut i: usize) -> usize {
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        match comment_end(b, i) {
            Some(end) => i = end,
            None => return i,
        }
    }
}

/// The identifier-like word starting at `i` (empty when none), so `EXECUTIVE_SUMMARY` is one
/// word and never mistaken for `EXEC`.
fn word_at(b: &[u8], i: usize) -> &str {
    let end = (i..b.len())
        .find(|&j| !is_ident_byte(b[j]))
        .unwrap_or(b.len());
    std::str::from_utf8(b.get(i..end).unwrap_or_default()).unwrap_or_default()
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    /// An unquoted identifier or keyword.
    Word(String),
    /// A quoted identifier (`"…"`, `[…]` or `` `…` ``), unquoted.
    Quoted(String),
    Text(String),
    Number(String),
    /// One of `{ } ( ) , . ; ? @ =`, or `=>` stored as `>`.
    Punct(char),
}

impl Token {
    fn describe(&self) -> String {
        match self {
            // Values are never shown: in a call they may be codes or tokens (GetOAuthAccessToken's
            // Verifier), quoted or not. Words made of letters only are keywords and names.
            Token::Word(w)
                if w.len() <= 32 && w.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_') =>
            {
                format!("'{w}'")
            }
            Token::Word(_) => "a word".to_string(),
            Token::Quoted(_) => "a double-quoted name".to_string(),
            Token::Text(_) => "a string literal".to_string(),
            Token::Number(_) => "a number".to_string(),
            Token::Punct('>') => "'=>'".to_string(),
            Token::Punct(c) => format!("'{c}'"),
        }
    }
}

fn tokenize(sql: &str) -> Result<Vec<Token>> {
    let b = sql.as_bytes();
    let mut tokens = Vec::new();
    let mut i = skip_space(b, 0);
    while i < b.len() {
        if let Some(run) = quoted_run(b, i, Quoting::ProcedureCall) {
            tokens.push(quoted_token(sql, run)?);
            i = skip_space(b, run.end);
            continue;
        }
        let c = b[i];
        let next = b.get(i + 1).copied();
        match c {
            b'0'..=b'9' => {
                let end = number_end(b, i);
                tokens.push(Token::Number(sql[i..end].to_string()));
                i = end;
            }
            b'-' | b'+' | b'.'
                if next.is_some_and(|n| n.is_ascii_digit())
                    || (c != b'.'
                        && next == Some(b'.')
                        && b.get(i + 2).is_some_and(|n| n.is_ascii_digit())) =>
            {
                let end = number_end(b, i + 1);
                tokens.push(Token::Number(sql[i..end].to_string()));
                i = end;
            }
            b'=' if next == Some(b'>') => {
                tokens.push(Token::Punct('>'));
                i += 2;
            }
            b'{' | b'}' | b'(' | b')' | b',' | b'.' | b';' | b'?' | b'@' | b'=' => {
                tokens.push(Token::Punct(c as char));
                i += 1;
            }
            _ if is_ident_byte(c) => {
                let word = word_at(b, i);
                i += word.len();
                tokens.push(Token::Word(word.to_string()));
            }
            _ => {
                // The character alone: what follows may be an unquoted code or token.
                let shown = sql[i..].chars().next().unwrap_or(' ');
                return Err(syntax(format!(
                    "Unexpected text in the procedure call: the character '{}' at position {}; quote values with '...'",
                    shown.escape_default(),
                    i + 1
                )));
            }
        }
        i = skip_space(b, i);
    }
    Ok(tokens)
}

/// The token a quoted run stands for; an error names the kind of run, never its text.
fn quoted_token(sql: &str, run: QuotedRun) -> Result<Token> {
    // Refused rather than decoded, closed or not: backslash escapes (`\n`, `\x41`, `\u00e9`) are
    // DataFusion's to decode, and a second decoder here could hand a procedure another value than
    // the same literal gives a query. Reading it as one run still keeps a quote or `?` inside it
    // from being taken for syntax.
    if run.kind == QuoteKind::EscapeString {
        return Err(syntax(
            "An E'...' escape string is not supported in a procedure call; write the \
             value as a plain '...' literal (doubling any quote in it) or pass it as a ? parameter",
        ));
    }
    let what = match run.kind {
        QuoteKind::Identifier => "quoted identifier",
        QuoteKind::Bracketed => "bracketed identifier",
        // N'…' (SQL Server's national string) is an ordinary string here.
        _ => "string literal",
    };
    if !run.closed {
        return Err(syntax(format!(
            "A {what} in the procedure call is not closed"
        )));
    }
    let body = run.body(sql);
    Ok(match run.kind {
        QuoteKind::Identifier | QuoteKind::Bracketed => Token::Quoted(body),
        _ => Token::Text(body),
    })
}

/// End of the numeric literal whose digits start at `i`: digits, one fraction, one exponent.
fn number_end(b: &[u8], mut i: usize) -> usize {
    let digits = |b: &[u8], mut i: usize| {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    i = digits(b, i);
    if b.get(i) == Some(&b'.') {
        i = digits(b, i + 1);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if b.get(j).is_some_and(|c| c.is_ascii_digit()) {
            i = digits(b, j);
        }
    }
    i
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    next_marker: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_at(&self, ahead: usize) -> Option<&Token> {
        self.tokens.get(self.pos + ahead)
    }

    fn eat_punct(&mut self, c: char) -> bool {
        if self.peek() == Some(&Token::Punct(c)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_punct(&mut self, c: char, after: &str) -> Result<()> {
        if self.eat_punct(c) {
            return Ok(());
        }
        Err(syntax(format!(
            "Expected '{c}' {after} in the procedure call, found {}",
            self.found()
        )))
    }

    fn found(&self) -> String {
        self.peek()
            .map_or("the end of the statement".to_string(), Token::describe)
    }

    fn statement(mut self, form: Form) -> Result<ProcedureCall> {
        let mut returns_value = false;
        if form == Form::Escape {
            self.expect_punct('{', "at the start")?;
            if self.eat_punct('?') {
                // The return-value marker is the statement's first parameter.
                self.next_marker += 1;
                returns_value = true;
                self.expect_punct('=', "after '{?'")?;
            }
        }
        // The keyword (EXEC, EXECUTE or CALL) was checked by `parse`.
        self.pos += 1;
        let (schema, name) = self.name()?;
        let args = match form {
            Form::Exec => self.arguments(false)?,
            Form::Call | Form::Escape => {
                if self.eat_punct('(') {
                    if self.eat_punct(')') {
                        Vec::new()
                    } else {
                        let args = self.arguments(true)?;
                        self.expect_punct(')', "after the arguments")?;
                        args
                    }
                } else {
                    Vec::new()
                }
            }
        };
        if form == Form::Escape {
            self.expect_punct('}', "to close the {call} escape")?;
        }
        self.eat_punct(';');
        if self.peek().is_some() {
            return Err(syntax(format!(
                "Unexpected {} after the procedure call; a call must be the whole \
                 statement",
                self.found()
            )));
        }
        Ok(ProcedureCall {
            schema,
            name,
            args,
            returns_value,
        })
    }

    /// A possibly qualified, possibly quoted name: the last part is the name.
    fn name(&mut self) -> Result<(Option<String>, String)> {
        let mut parts = Vec::new();
        loop {
            match self.peek() {
                Some(Token::Word(w) | Token::Quoted(w)) => {
                    parts.push(w.clone());
                    self.pos += 1;
                }
                _ => {
                    let what = if parts.is_empty() {
                        "a procedure name"
                    } else {
                        "a name after '.'"
                    };
                    return Err(syntax(format!(
                        "Expected {what} in the procedure call, found {}",
                        self.found()
                    )));
                }
            }
            if !self.eat_punct('.') {
                break;
            }
        }
        let name = parts.pop().unwrap_or_default();
        let schema = (!parts.is_empty()).then(|| parts.join("."));
        Ok((schema, name))
    }

    /// Comma-separated arguments up to `)` (in parentheses) or `;`/the end (EXEC).
    fn arguments(&mut self, in_parens: bool) -> Result<Vec<ProcArg>> {
        let mut args: Vec<ProcArg> = Vec::new();
        let at_end = |p: &Parser| match p.peek() {
            None => true,
            Some(Token::Punct(';')) => !in_parens,
            _ => false,
        };
        if at_end(self) {
            return Ok(args);
        }
        loop {
            let arg = self.argument()?;
            if arg.name.is_none() && args.last().is_some_and(|a| a.name.is_some()) {
                return Err(syntax(
                    "A positional argument cannot follow a named one in the procedure \
                     call; name it too, or move it before the named arguments",
                ));
            }
            args.push(arg);
            if !self.eat_punct(',') {
                return Ok(args);
            }
        }
    }

    fn argument(&mut self) -> Result<ProcArg> {
        let is_assign = |t: Option<&Token>| matches!(t, Some(Token::Punct('=' | '>')));
        let named = match (self.peek(), self.peek_at(1), self.peek_at(2)) {
            (Some(Token::Punct('@')), Some(Token::Word(w)), third) if is_assign(third) => {
                Some((w.clone(), 3))
            }
            (Some(Token::Word(w) | Token::Quoted(w)), second, _) if is_assign(second) => {
                Some((w.clone(), 2))
            }
            _ => None,
        };
        let name = named.map(|(name, len)| {
            self.pos += len;
            name
        });
        let value = self.value()?;
        Ok(ProcArg { name, value })
    }

    fn value(&mut self) -> Result<ProcValue> {
        let value = match self.peek() {
            Some(Token::Text(t)) => ProcValue::Text(t.clone()),
            Some(Token::Number(n)) => ProcValue::Number(n.clone()),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("null") => ProcValue::Null,
            Some(Token::Punct('?')) => {
                let n = self.next_marker;
                self.next_marker += 1;
                ProcValue::Parameter(n)
            }
            Some(Token::Punct('@')) => {
                let var = match self.peek_at(1) {
                    Some(Token::Word(w)) => format!("@{w}"),
                    _ => "@".to_string(),
                };
                return Err(syntax(format!(
                    "The variable {var} is not supported in a procedure call; pass a \
                     literal value or a ? parameter marker"
                )));
            }
            _ => {
                return Err(syntax(format!(
                    "Expected a value (a 'string', a number, NULL or ?) in the \
                     procedure call, found {}",
                    self.found()
                )))
            }
        };
        self.pos += 1;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{state, Error, ErrorKind, SqlError};

    #[test]
    fn logged_calls_and_errors_never_show_arguments() {
        assert_eq!(
            loggable("CALL GetOAuthAccessToken('WEB', 'c0de', ?) -- 'note'"),
            "call of procedure GetOAuthAccessToken with 3 argument(s), not logged"
        );
        assert_eq!(
            loggable("{call sys.RefreshOAuthAccessToken(E'rt\\\\', 'SECRET')}"),
            "a procedure call with a syntax error, not logged"
        );
        // Not a call: left as written (queries keep their literals for debugging).
        assert_eq!(loggable("SELECT 'x' AS y"), "SELECT 'x' AS y");
        for bad in [
            "CALL GetOAuthAccessToken('WEB' 'c0de')",
            "CALL GetOAuthAccessToken('WEB', \"c0de\" 1)",
            "CALL GetOAuthAccessToken(Verifier := 'c0de-123')",
            "CALL GetOAuthAccessToken('WEB' || 'c0de')",
            "EXEC GetOAuthAccessToken @Verifier=4/0AbCc0de",
            "EXEC GetOAuthAccessToken Verifier=c0de9",
            "EXEC GetOAuthAccessToken Verifier=12345 c0de",
        ] {
            let e = parse(bad)
                .and_then(|r| r.err())
                .unwrap_or_else(|| panic!("no syntax error for {bad}"));
            assert_eq!(e.kind, ErrorKind::Sql(SqlError::Syntax), "{bad}");
            assert!(!e.message.contains("c0de"), "{bad}: {}", e.message);
            assert!(!e.message.contains("12345"), "{bad}: {}", e.message);
        }
    }

    fn ok(sql: &str) -> ProcedureCall {
        match parse(sql) {
            Some(Ok(call)) => call,
            Some(Err(e)) => panic!("{sql} failed: {e}"),
            None => panic!("{sql} was not recognised as a call"),
        }
    }

    fn err(sql: &str) -> Error {
        match parse(sql) {
            Some(Err(e)) => e,
            other => panic!("{sql} should fail, gave {other:?}"),
        }
    }

    fn named(name: &str, value: ProcValue) -> ProcArg {
        ProcArg {
            name: Some(name.to_string()),
            value,
        }
    }

    fn positional(value: ProcValue) -> ProcArg {
        ProcArg { name: None, value }
    }

    fn text(s: &str) -> ProcValue {
        ProcValue::Text(s.to_string())
    }

    #[test]
    fn exec_with_named_arguments() {
        let call = ok("EXEC GetOAuthAccessToken AuthMode = 'WEB', Verifier = 'a''b'");
        assert_eq!(call.name, "GetOAuthAccessToken");
        assert_eq!(call.schema, None);
        assert!(!call.returns_value);
        assert_eq!(
            call.args,
            vec![
                named("AuthMode", text("WEB")),
                named("Verifier", text("a'b"))
            ]
        );
        let call = ok("execute  RefreshOAuthAccessToken @OAuthRefreshToken='r1';");
        assert_eq!(call.name, "RefreshOAuthAccessToken");
        assert_eq!(call.args, vec![named("OAuthRefreshToken", text("r1"))]);
        let call = ok("Exec p @A = ?, B = NULL, @C = -1.5e3, D => 42, E = N'ü'");
        assert_eq!(
            call.args,
            vec![
                named("A", ProcValue::Parameter(0)),
                named("B", ProcValue::Null),
                named("C", ProcValue::Number("-1.5e3".to_string())),
                named("D", ProcValue::Number("42".to_string())),
                named("E", text("ü")),
            ]
        );
    }

    #[test]
    fn exec_without_arguments_and_positional() {
        let call = ok("EXEC GetOAuthAuthorizationURL");
        assert!(call.args.is_empty());
        let call = ok("  /* hi */ -- there\n EXEC p ;  -- done");
        assert_eq!(call.name, "p");
        let call = ok("EXEC p 'a', ?, null, ?, X = ?");
        assert_eq!(
            call.args,
            vec![
                positional(text("a")),
                positional(ProcValue::Parameter(0)),
                positional(ProcValue::Null),
                positional(ProcValue::Parameter(1)),
                named("X", ProcValue::Parameter(2)),
            ]
        );
    }

    #[test]
    fn call_statement() {
        let call = ok("CALL sys.GetOAuthAuthorizationURL('http://localhost:33333', ?)");
        assert_eq!(call.schema.as_deref(), Some("sys"));
        assert_eq!(call.name, "GetOAuthAuthorizationURL");
        assert_eq!(
            call.args,
            vec![
                positional(text("http://localhost:33333")),
                positional(ProcValue::Parameter(0))
            ]
        );
        assert!(ok("call p").args.is_empty());
        assert!(ok("CALL p();").args.is_empty());
        let call = ok("CALL p(Scope => 'a b', State = ?)");
        assert_eq!(
            call.args,
            vec![
                named("Scope", text("a b")),
                named("State", ProcValue::Parameter(0))
            ]
        );
    }

    #[test]
    fn call_escapes() {
        let call = ok("{call GetOAuthAccessToken(?, ?)}");
        assert_eq!(call.name, "GetOAuthAccessToken");
        assert_eq!(
            call.args,
            vec![
                positional(ProcValue::Parameter(0)),
                positional(ProcValue::Parameter(1))
            ]
        );
        assert!(!call.returns_value);
        let call = ok("{ CALL p }");
        assert!(call.args.is_empty());
        let call = ok("{?= call p(?, 'x')}");
        assert!(call.returns_value);
        assert_eq!(
            call.args,
            vec![positional(ProcValue::Parameter(1)), positional(text("x"))]
        );
        let call = ok("{ ? = Call \"my schema\".\"Get \"\"It\"\"\"(1) };");
        assert!(call.returns_value);
        assert_eq!(call.schema.as_deref(), Some("my schema"));
        assert_eq!(call.name, "Get \"It\"");
        assert_eq!(
            call.args,
            vec![positional(ProcValue::Number("1".to_string()))]
        );
        let call = ok("{call cat.sch.[p]}");
        assert_eq!(call.schema.as_deref(), Some("cat.sch"));
        assert_eq!(call.name, "p");
    }

    #[test]
    fn quoted_names() {
        assert_eq!(ok("EXEC \"Get OAuth\" A='1'").name, "Get OAuth");
        assert_eq!(ok("EXEC [p]").name, "p");
        let call = ok("EXEC \"s\".p");
        assert_eq!(call.schema.as_deref(), Some("s"));
        assert_eq!(call.name, "p");
    }

    #[test]
    fn not_calls() {
        for sql in [
            "SELECT 'EXEC x'",
            "EXECUTIVE_SUMMARY",
            "SELECT * FROM EXECUTIVE_SUMMARY",
            "CALLER",
            "{fn UCASE('a')}",
            "{d '2024-01-01'}",
            "-- EXEC p\nSELECT 1",
            "",
            "   ",
            "{?}",
            "\"EXEC\" p",
        ] {
            assert_eq!(parse(sql), None, "{sql}");
        }
    }

    #[test]
    fn errors() {
        let cases = [
            ("EXEC p @var", "variable @var is not supported"),
            ("EXEC p A = @var", "variable @var is not supported"),
            ("CALL p(@v)", "variable @v is not supported"),
            (
                "EXEC p A = 'x', 'y'",
                "positional argument cannot follow a named one",
            ),
            ("EXEC", "procedure name"),
            ("EXEC p A =", "Expected a value"),
            ("EXEC p A = B", "Expected a value"),
            ("EXEC p 'a' 'b'", "after the procedure call"),
            ("EXEC p; SELECT 1", "after the procedure call"),
            ("CALL p(1", "Expected ')'"),
            ("CALL p(1,)", "Expected a value"),
            ("{call p(1)", "Expected '}'"),
            ("{call p(1)} x", "after the procedure call"),
            ("EXEC p A = 'x", "not closed"),
            ("EXEC s.", "a name after '.'"),
            ("EXEC p A = #", "Unexpected text"),
        ];
        for (sql, needle) in cases {
            let e = err(sql);
            assert_eq!(e.state, state::SYNTAX_ERROR, "{sql}");
            assert_eq!(e.kind, ErrorKind::Sql(SqlError::Syntax), "{sql}");
            assert!(e.message.starts_with("[apiodbc] "), "{}", e.message);
            assert!(e.message.contains(needle), "{sql}: {}", e.message);
        }
    }

    #[test]
    fn an_escape_string_ends_where_the_other_scanners_end_it() {
        // The backslash keeps the quote inside for the escape scanner and the marker count, so
        // the call parser reads one literal too, instead of a literal `it\` and an unclosed `'`.
        let sql = "CALL p(E'it\\'s {fn X()} ?', ?)";
        assert_eq!(count_parameter_markers(sql), 1);
        let e = err(sql);
        assert_eq!(e.kind, ErrorKind::Sql(SqlError::Syntax));
        assert!(
            e.message.contains("escape string is not supported"),
            "{}",
            e.message
        );
        let query = "SELECT E'it\\'s {fn X()} ?', ?";
        let ctx = crate::engine::escape::TranslateContext::default();
        assert_eq!(
            crate::engine::escape::translate(query, &ctx)
                .ok()
                .as_deref(),
            Some(query)
        );
        // Closed or not, the refusal shows no value.
        for bad in [
            "EXEC p A = E'c0de'",
            "CALL p(e'c0de\\', 'x')",
            "EXEC E'c0de'",
        ] {
            let e = err(bad);
            assert_eq!(e.kind, ErrorKind::Sql(SqlError::Syntax), "{bad}");
            assert!(e.message.contains("escape string"), "{bad}: {}", e.message);
            assert!(!e.message.contains("c0de"), "{bad}: {}", e.message);
        }
        // The prefix counts only at the start of a word, as for the other scanners.
        let call = ok("EXEC pE'x'");
        assert_eq!(call.name, "pE");
        assert_eq!(call.args, vec![positional(text("x"))]);
    }

    #[test]
    fn unclosed_quotes_name_their_kind_only() {
        for (sql, what) in [
            ("EXEC p N'c0de", "A string literal"),
            ("EXEC \"c0de", "A quoted identifier"),
            ("EXEC `c0de", "A quoted identifier"),
            ("EXEC [c0de", "A bracketed identifier"),
        ] {
            let e = err(sql);
            assert_eq!(e.kind, ErrorKind::Sql(SqlError::Syntax), "{sql}");
            assert!(e.message.contains(what), "{sql}: {}", e.message);
            assert!(e.message.contains("not closed"), "{sql}: {}", e.message);
            assert!(!e.message.contains("c0de"), "{sql}: {}", e.message);
        }
    }

    #[test]
    fn parameter_markers() {
        assert_eq!(count_parameter_markers("SELECT 1"), 0);
        assert_eq!(
            count_parameter_markers("SELECT * FROM t WHERE a = ? AND b = ?"),
            2
        );
        assert_eq!(
            count_parameter_markers(
                "SELECT '?', \"?\", `?`, E'\\'?' /* ? /* ? */ */ -- ?\n FROM t WHERE a=?"
            ),
            1
        );
        assert_eq!(count_parameter_markers("{?= call p(?, ?)}"), 3);
        assert_eq!(count_parameter_markers("SELECT 'it''s ?', ?"), 1);
    }

    #[test]
    fn arbitrary_text_never_panics() {
        // Fragments chosen to land the scanners on every branch, joined in pseudo-random order.
        let pieces = [
            "{",
            "}",
            "(",
            ")",
            "'",
            "''",
            "\"",
            "`",
            "[",
            "]",
            "--",
            "/*",
            "*/",
            "\n",
            " ",
            ",",
            "?",
            "=",
            "=>",
            "@",
            ".",
            ";",
            "-",
            "+",
            "1",
            ".5",
            "e3",
            "E'",
            "N'",
            "é",
            "漢",
            "fn",
            "call",
            "exec",
            "d",
            "ts",
            "oj",
            "escape",
            "UCASE",
            "LOCATE",
            "POSITION",
            "IN",
            "EXTRACT",
            "FROM",
            "CONVERT",
            "SQL_VARCHAR",
            "TIMESTAMPADD",
            "SQL_TSI_DAY",
            "x",
            "NULL",
            "'2024-01-01'",
        ];
        let ctx = crate::engine::escape::TranslateContext::default();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            let mut sql = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 12) as usize;
            for k in 0..len {
                let pick = (seed.rotate_left(5 * k as u32) % pieces.len() as u64) as usize;
                sql.push_str(pieces[pick]);
            }
            for prefix in ["", "EXEC ", "{call ", "{fn "] {
                let text = format!("{prefix}{sql}");
                let _ = parse(&text);
                let _ = count_parameter_markers(&text);
                let _ = crate::engine::escape::translate(&text, &ctx);
            }
        }
    }
}
