//! ODBC parameter markers (`?`) become DataFusion's positional placeholders (`$1`, `$2`, …). The
//! scan skips string literals, quoted identifiers and comments, where a `?` is just a character.

/// Returns the statement with `?` markers numbered as `$n`, and how many there were.
pub fn number_markers(sql: &str) -> (String, usize) {
    rewrite_markers(sql, |n| format!("${n}"))
}

/// Replaces the n-th `?` marker (from 1) with `render(n)`; returns the text and the marker count.
pub fn rewrite_markers(sql: &str, mut render: impl FnMut(usize) -> String) -> (String, usize) {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut count = 0usize;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                out.push(c);
                // Copy the literal or identifier through its closing quote; a doubled quote is an
                // escaped quote and keeps the literal open.
                while let Some(d) = chars.next() {
                    out.push(d);
                    if d == c {
                        if chars.peek() == Some(&c) {
                            if let Some(e) = chars.next() {
                                out.push(e);
                            }
                        } else {
                            break;
                        }
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                out.push(c);
                for d in chars.by_ref() {
                    out.push(d);
                    if d == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                out.push(c);
                let mut prev = '\0';
                for d in chars.by_ref() {
                    out.push(d);
                    if prev == '*' && d == '/' {
                        break;
                    }
                    prev = d;
                }
            }
            '?' => {
                count += 1;
                out.push_str(&render(count));
            }
            _ => out.push(c),
        }
    }
    (out, count)
}

#[cfg(test)]
mod tests {
    use super::number_markers;

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
