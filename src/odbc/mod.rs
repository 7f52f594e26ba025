//! The numbers of the ODBC specification that the driver uses (as unixODBC's `sql.h` and
//! `sqlext.h` define them), each defined once. Nothing else lives here; modules import the
//! constants they use by name.

pub mod attributes;
pub mod c_types;
pub mod desc;
pub mod diag;
pub mod functions;
pub mod info;
pub mod returns;
pub mod sql_types;
