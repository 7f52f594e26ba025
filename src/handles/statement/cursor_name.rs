//! Cursor names (SQLGetCursorName, SQLSetCursorName): every statement has one, `SQL_CUR<serial>`
//! until the application names it, and a name is unique among the connection's statements. The
//! driver has no positioned UPDATE or DELETE, so a name is only ever reported back.

use super::*;

/// What a generated name starts with; an application's name may not.
const GENERATED: [&str; 2] = ["SQL_CUR", "SQLCUR"];

impl Statement {
    /// The statement's cursor name.
    pub fn cursor_name(&self) -> String {
        lock(&self.conn.cursor_names)
            .get(&self.serial)
            .cloned()
            .unwrap_or_else(|| format!("SQL_CUR{}", self.serial))
    }

    /// Names the statement's cursor.
    pub fn set_cursor_name(&self, name: &str) -> Result<()> {
        let name = name.trim();
        let upper = name.to_ascii_uppercase();
        if name.is_empty() || name.len() > 128 || GENERATED.iter().any(|g| upper.starts_with(g)) {
            return Err(Error::new(
                state::INVALID_CURSOR_NAME,
                "The cursor name must have 1 to 128 characters and not start with SQL_CUR or SQLCUR (the driver's own names)",
            ));
        }
        if lock(&self.state).cursor.is_some() {
            return Err(Error::new(
                state::INVALID_CURSOR_STATE,
                "A cursor is open on this statement; name it before executing",
            ));
        }
        let mut names = lock(&self.conn.cursor_names);
        if names
            .iter()
            .any(|(serial, other)| *serial != self.serial && other.eq_ignore_ascii_case(name))
        {
            return Err(Error::new(
                state::DUPLICATE_CURSOR_NAME,
                format!("Another statement of this connection has the cursor name '{name}'"),
            ));
        }
        names.insert(self.serial, name.to_string());
        Ok(())
    }
}

impl Drop for Statement {
    fn drop(&mut self) {
        lock(&self.conn.cursor_names).remove(&self.serial);
    }
}
