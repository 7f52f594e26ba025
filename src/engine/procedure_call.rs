//! Temporary stand-in until the procedure-call parser lands.
use crate::error::Result;
#[derive(Clone, Debug)]
pub struct ProcedureCall {
    pub schema: Option<String>,
    pub name: String,
    pub args: Vec<ProcArg>,
    pub returns_value: bool,
}
#[derive(Clone, Debug)]
pub struct ProcArg {
    pub name: Option<String>,
    pub value: ProcValue,
}
#[derive(Clone, Debug)]
pub enum ProcValue {
    Text(String),
    Number(String),
    Null,
    Parameter(usize),
}
pub fn parse(_sql: &str) -> Option<Result<ProcedureCall>> {
    None
}
pub fn count_parameter_markers(_sql: &str) -> usize {
    0
}
