//! Hints a statement carries in its comments, for the driver rather than for SQL: today
//! `/*+ NO_CACHE */`, which sends every request of the statement even where the result cache
//! (CacheTTL) holds an answer, and keeps the fresh answers for later statements. Only `/*+ … */`
//! comments count (not literals, quoted names or ordinary comments), matched case-insensitively.
//! It reads hints only; what a hint does is the caller's business.

use super::sql_lexer::{comment_end, skip_opaque};

/// What the statement's hints ask for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Hints {
    pub no_cache: bool,
}

/// The hints in `sql`.
pub fn read(sql: &str) -> Hints {
    let b = sql.as_bytes();
    let mut hints = Hints::default();
    let mut i = 0;
    while i < b.len() {
        if let Some(end) = comment_end(b, i) {
            let text = &sql[i..end];
            if let Some(body) = text.strip_prefix("/*+") {
                let words = body.trim_end_matches("*/").to_ascii_uppercase();
                if words
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .any(|w| w == "NO_CACHE")
                {
                    hints.no_cache = true;
                }
            }
            i = end;
        } else if let Some(end) = skip_opaque(b, i) {
            i = end;
        } else {
            i += 1;
        }
    }
    hints
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_cache_is_read_from_hint_comments_only() {
        assert!(read("SELECT /*+ NO_CACHE */ * FROM persons").no_cache);
        assert!(read("/*+ no_cache */ SELECT 1").no_cache);
        assert!(read("SELECT 1 /*+ FOO, NO_CACHE */").no_cache);
        assert!(!read("SELECT '/*+ NO_CACHE */' FROM persons").no_cache);
        assert!(!read("SELECT \"/*+ NO_CACHE */\" FROM persons").no_cache);
        assert!(!read("SELECT 1 /* NO_CACHE */").no_cache);
        assert!(!read("SELECT 1 -- NO_CACHE").no_cache);
        assert!(!read("SELECT 1 /*+ NO_CACHED */").no_cache);
    }
}
