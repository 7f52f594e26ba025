//! Schema names with a hyphen written as they are.
//!
//! In SQL, `helpscout-docs.articles` is a subtraction, so a schema with a hyphen (a profile file's
//! name) can only be reached as `"my-api".articles`. Clients that build statements from
//! SQLTables' names do not all quote them: RODBC's `sqlFetch(ch, "my-api.articles")` sends the
//! name as it is. So before parsing, an unquoted run `word-word…` directly followed by `.` that
//! spells (without regard to case) one of the connection's hyphenated schemas is quoted.
//!
//! The built-in Help Scout Docs schema was `helpscout-docs` and is `helpscout_docs` now, a name
//! that needs no quotes; statements written for the old name keep working: a run `a-b` followed
//! by `.`, unquoted or quoted (`"helpscout-docs".articles`), that is no schema of the connection
//! but whose hyphens written as `_` spell one, becomes that schema's name.
//!
//! Nothing else is touched: not string literals, other quoted identifiers or comments, not a run
//! with blanks around its `-`, not a run that is not followed by `.`. Knows text only.

use std::borrow::Cow;

use super::sql_lexer::{is_ident_byte, skip_opaque};

/// What a run spelled like a schema is written as: the schema quoted, or a former spelling's
/// current name.
fn replacement(run: &str, schemas: &[String]) -> Option<String> {
    if let Some(s) = schemas
        .iter()
        .find(|s| s.contains('-') && s.eq_ignore_ascii_case(run))
    {
        return Some(format!("\"{s}\""));
    }
    let underscored = run.replace('-', "_");
    schemas
        .iter()
        .find(|s| !s.contains('-') && s.eq_ignore_ascii_case(&underscored))
        // Quoted, so a profile name in mixed case is found as it is spelled.
        .map(|s| format!("\"{s}\""))
}

/// `sql` with the mentions of hyphenated `schemas` quoted and former spellings renamed.
pub fn quote<'a>(sql: &'a str, schemas: &[String]) -> Cow<'a, str> {
    if !sql.contains('-') {
        return Cow::Borrowed(sql);
    }
    let b = sql.as_bytes();
    let mut out = String::with_capacity(sql.len() + 8);
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if let Some(end) = skip_opaque(b, i) {
            // `"helpscout-docs".x`: the former spelling quoted.
            let quoted = &sql[i..end];
            let inner = quoted.strip_prefix('"').and_then(|q| q.strip_suffix('"'));
            if let Some(inner) = inner.filter(|q| q.contains('-') && b.get(end) == Some(&b'.')) {
                let renamed = !schemas.iter().any(|s| s == inner);
                if let Some(name) = replacement(inner, schemas).filter(|_| renamed) {
                    out.push_str(&sql[copied..i]);
                    out.push_str(&name);
                    copied = end;
                }
            }
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
        if run.contains('-') && b.get(end) == Some(&b'.') {
            if let Some(name) = replacement(run, schemas) {
                out.push_str(&sql[copied..start]);
                out.push_str(&name);
                copied = end;
            }
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
        vec!["my-api".into(), "pipedrive".into(), "sys".into()]
    }

    #[test]
    fn unquoted_hyphenated_schemas_are_quoted() {
        for (sql, want) in [
            (
                "SELECT * FROM my-api.articles",
                "SELECT * FROM \"my-api\".articles",
            ),
            (
                "SELECT a.id FROM My-Api.articles a JOIN my-api.sites s ON 1=1",
                "SELECT a.id FROM \"my-api\".articles a JOIN \"my-api\".sites s ON 1=1",
            ),
        ] {
            assert_eq!(quote(sql, &schemas()), want);
        }
    }

    #[test]
    fn everything_else_is_left_as_written() {
        for sql in [
            "SELECT * FROM \"my-api\".articles",
            "SELECT 'my-api.articles'",
            "SELECT my - api.x FROM t",
            "SELECT my-api FROM t",
            "SELECT 1 -- my-api.articles",
            "SELECT x-my-api.y FROM t",
            "SELECT * FROM pipedrive.persons WHERE id-1 > 0",
        ] {
            assert_eq!(quote(sql, &schemas()), sql, "{sql}");
        }
        assert_eq!(
            quote("SELECT * FROM my-api.articles", &["pipedrive".into()]),
            "SELECT * FROM my-api.articles",
            "no such schema on this connection"
        );
    }

    #[test]
    fn the_former_spelling_of_a_renamed_schema_reaches_it() {
        let schemas = vec!["helpscout_docs".to_string(), "sys".to_string()];
        for (sql, want) in [
            (
                "SELECT * FROM helpscout-docs.articles",
                "SELECT * FROM \"helpscout_docs\".articles",
            ),
            (
                "SELECT * FROM \"helpscout-docs\".articles a JOIN HelpScout-Docs.sites s ON 1=1",
                "SELECT * FROM \"helpscout_docs\".articles a JOIN \"helpscout_docs\".sites s ON 1=1",
            ),
        ] {
            assert_eq!(quote(sql, &schemas), want);
        }
        for sql in [
            "SELECT 'helpscout-docs.articles'",
            "SELECT \"helpscout-docs\" FROM t",
            "SELECT * FROM helpscout_docs.articles WHERE id-1 > 0",
        ] {
            assert_eq!(quote(sql, &schemas), sql, "{sql}");
        }
    }
}
