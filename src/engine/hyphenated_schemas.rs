//! Schema names with a hyphen (`helpscout-docs`, a profile's name) written without quotes.
//!
//! In SQL, `helpscout-docs.articles` is a subtraction, so such a schema can only be reached as
//! `"helpscout-docs".articles`. Clients that build statements from SQLTables' names do not all
//! quote them: RODBC's `sqlFetch(ch, "helpscout-docs.articles")` sends the name as it is. So
//! before parsing, an unquoted run `word-word…` directly followed by `.` that spells (without
//! regard to case) one of the connection's hyphenated schemas is quoted. Nothing else is touched:
//! not string literals, quoted identifiers or comments, not a run with blanks around its `-`,
//! not a run that is not followed by `.`. Knows text only.

use std::borrow::Cow;

use super::sql_lexer::{is_ident_byte, skip_opaque};

/// `sql` with the unquoted mentions of `schemas` (those with a `-`) quoted.
pub fn quote<'a>(sql: &'a str, schemas: &[String]) -> Cow<'a, str> {
    let hyphenated: Vec<&String> = schemas.iter().filter(|s| s.contains('-')).collect();
    if hyphenated.is_empty() || !sql.contains('-') {
        return Cow::Borrowed(sql);
    }
    let b = sql.as_bytes();
    let mut out = String::with_capacity(sql.len() + 8);
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if let Some(end) = skip_opaque(b, i) {
            i = end;
            continue;
        }
        let starts_word = is_ident_byte(b[i]) && (i == 0 || !is_ident_byte(b[i - 1]));
        if !starts_word {
            i += 1;
            continue;
        }
        // The run of words joined by single hyphens (`--` starts a comment, not a name).
        let start = i;
        let mut end = i;
        loop {
            while end < b.len() && is_ident_byte(b[end]) {
                end += 1;
            }
            let joins =
                b.get(end) == Some(&b'-') && b.get(end + 1).is_some_and(|&c| is_ident_byte(c));
            if !joins {
                break;
            }
            end += 1;
        }
        let run = &sql[start..end];
        if b.get(end) == Some(&b'.') && hyphenated.iter().any(|s| s.eq_ignore_ascii_case(run)) {
            let spelled = hyphenated
                .iter()
                .find(|s| s.eq_ignore_ascii_case(run))
                .map_or(run, |s| s.as_str());
            out.push_str(&sql[copied..start]);
            out.push('"');
            out.push_str(spelled);
            out.push('"');
            copied = end;
        }
        i = end;
    }
    if copied == 0 {
        return Cow::Borrowed(sql);
    }
    out.push_str(&sql[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::quote;

    fn schemas() -> Vec<String> {
        vec!["helpscout-docs".into(), "pipedrive".into(), "sys".into()]
    }

    #[test]
    fn unquoted_hyphenated_schemas_are_quoted() {
        for (sql, want) in [
            (
                "SELECT * FROM helpscout-docs.articles",
                "SELECT * FROM \"helpscout-docs\".articles",
            ),
            (
                "SELECT a.id FROM HelpScout-Docs.articles a JOIN helpscout-docs.sites s ON 1=1",
                "SELECT a.id FROM \"helpscout-docs\".articles a JOIN \"helpscout-docs\".sites s ON 1=1",
            ),
        ] {
            assert_eq!(quote(sql, &schemas()), want);
        }
    }

    #[test]
    fn everything_else_is_left_as_written() {
        for sql in [
            "SELECT * FROM \"helpscout-docs\".articles",
            "SELECT 'helpscout-docs.articles'",
            "SELECT helpscout - docs.x FROM t",
            "SELECT helpscout-docs FROM t",
            "SELECT 1 -- helpscout-docs.articles",
            "SELECT x-helpscout-docs.y FROM t",
            "SELECT * FROM pipedrive.persons WHERE id-1 > 0",
        ] {
            assert_eq!(quote(sql, &schemas()), sql, "{sql}");
        }
        assert_eq!(
            quote(
                "SELECT * FROM helpscout-docs.articles",
                &["pipedrive".into()]
            ),
            "SELECT * FROM helpscout-docs.articles",
            "no such schema on this connection"
        );
    }
}
