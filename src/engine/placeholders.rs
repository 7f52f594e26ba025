//! ODBC parameter markers (`?`) become DataFusion's positional placeholders (`$1`, `$2`, …). The
//! scan skips string literals, quoted identifiers and comments, where a `?` is just a character.

use super::sql_lexer::skip_opaque;

/// Replaces the n-th `?` marker (from 1) with `render(n)`; returns the text and the marker count.
/// Literals, quoted identifiers and comments are skipped with the shared lexer's rules (the ones
/// escape translation also uses), so a `?` inside them stays a character.
pub fn rewrite_markers(sql: &str, mut render: impl FnMut(usize) -> String) -> (String, usize) {
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len() + 8);
    let mut count = 0usize;
    let mut copied = 0usize;
    let mut i = 0usize;
    while i < bytes.len() {
        if let Some(end) = skip_opaque(bytes, i) {
            i = end;
            continue;
        }
        if bytes[i] == b'?' {
            count += 1;
            out.push_str(&sql[copied..i]);
            out.push_str(&render(count));
            copied = i + 1;
        }
        i += 1;
    }
    out.push_str(&sql[copied..]);
    (out, count)
}

#[cfg(test)]
mod tests {
    use super::rewrite_markers;

    fn number_markers(sql: &str) -> (String, usize) {
        rewrite_markers(sql, |n| format!("${n}"))
    }

    #[test]
    fn markers_outside_literals_are_numbered() {
        let (sql, n) = number_markers("SELECT ?, '?', \"a?\", ? -- ?\n, /* ? */ ?");
        assert_eq!(n, 3);
        assert_eq!(sql, "SELECT $1, '?', \"a?\", $2 -- ?\n, /* ? */ $3");
    }

    #[test]
    fn doubled_quotes_stay_inside_the_literal() {
        let (sql, n) = number_markers("SELECT 'it''s ?' , ?");
        assert_eq!(n, 1);
        assert_eq!(sql, "SELECT 'it''s ?' , $1");
    }
}
