//! Temporary stand-in until the escape translator lands.
use crate::error::Result;
pub struct TranslateContext {
    pub database: String,
    pub user: String,
}
pub fn translate(sql: &str, _ctx: &TranslateContext) -> Result<String> {
    Ok(sql.to_string())
}
pub const STRING_FUNCTIONS: u32 = 0;
pub const NUMERIC_FUNCTIONS: u32 = 0;
pub const TIMEDATE_FUNCTIONS: u32 = 0;
pub const SYSTEM_FUNCTIONS: u32 = 0;
pub const CONVERT_FUNCTIONS: u32 = 0;
pub const TIMEDATE_ADD_INTERVALS: u32 = 0;
pub const TIMEDATE_DIFF_INTERVALS: u32 = 0;
