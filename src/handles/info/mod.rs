//! SQLGetInfo: what the driver and its data source can do, answered honestly for a
//! non-transactional driver over Apache DataFusion (PostgreSQL-like SQL), whose catalog has no
//! catalogs and two kinds of schema (`sys` and the profile's).
//!
//! The answers are a table (`answers`), each entry with the reason it holds; the SQL_CONVERT_*
//! bitmasks are `conversions`'. The scalar-function bitmasks come from the escape translator and
//! arrive in [`InfoContext`].
//!
//! [`get_info`] returns the value with the width the specification gives the key
//! ([`InfoValue::U16`] for SQLUSMALLINT, [`InfoValue::U32`] for SQLUINTEGER and bitmasks); the
//! caller writes exactly that width. `None` means the key is unknown to the driver (HY096). The
//! caller checks [`allowed_before_connect`] first and reports 08003 for other keys on a connection
//! that is not open.
//!
//! Constant values were checked against unixODBC's `sql.h` and `sqlext.h`.

mod answers;
mod context;
mod conversions;
mod functions;
#[cfg(test)]
mod tests;

pub use self::context::{InfoContext, InfoValue};

use self::answers::{Answer, ANSWERS};

/// Whether SQLGetInfo may answer `info_type` on a connection that is not open (docs/reference/odbc.md §8).
pub fn allowed_before_connect(info_type: u16) -> bool {
    answers::BEFORE_CONNECT.contains(&info_type)
}

/// Answer SQLGetInfo for `info_type`, or `None` if the driver does not know the key (HY096).
pub fn get_info(info_type: u16, ctx: &InfoContext) -> Option<InfoValue> {
    let entry = ANSWERS.iter().find(|e| e.keys.contains(&info_type))?;
    Some(match &entry.answer {
        Answer::Text(text) => InfoValue::Text(text.to_string()),
        Answer::Flag(yes) => InfoValue::Text(if *yes { "Y" } else { "N" }.to_string()),
        Answer::Small(value) => InfoValue::U16(*value),
        Answer::Mask(value) => InfoValue::U32(*value),
        Answer::ConnectionText(field) if ctx.connected => InfoValue::Text(field(ctx).to_string()),
        Answer::ConnectionText(_) => InfoValue::Text(String::new()),
        Answer::Context(value) => value(ctx),
        Answer::DriverManager => return None,
    })
}
