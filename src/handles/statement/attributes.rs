//! Statement attributes: SQLSetStmtAttr and SQLGetStmtAttr, including the descriptor fields they
//! stand for (row array size, bind type and offset, status and rows-fetched pointers).

use super::*;
use crate::odbc::attributes::{
    SQL_CURSOR_DYNAMIC, SQL_CURSOR_FORWARD_ONLY, SQL_CURSOR_KEYSET_DRIVEN, SQL_CURSOR_STATIC,
    SQL_NONSCROLLABLE, SQL_SCROLLABLE, SQL_UNSPECIFIED,
};

impl Statement {
    /// `pointer`: the SQLPOINTER the application passed, an integer or a pointer by attribute.
    pub fn set_attr(&self, attribute: i32, pointer: AppPtr) -> Result<()> {
        let value = pointer.address();
        let mut st = lock(&self.state);
        match attribute {
            SQL_ATTR_QUERY_TIMEOUT => st.attrs.query_timeout = value,
            SQL_ATTR_MAX_ROWS => st.attrs.max_rows = value,
            SQL_ATTR_NOSCAN => st.attrs.noscan = value,
            SQL_ATTR_MAX_LENGTH => st.attrs.max_length = value,
            SQL_ATTR_METADATA_ID => st.attrs.metadata_id = value,
            SQL_ATTR_RETRIEVE_DATA => st.attrs.retrieve_data = value,
            SQL_ATTR_ASYNC_ENABLE => {
                if value != 0 {
                    return Err(Error::new(
                        state::OPTIONAL_FEATURE_NOT_IMPLEMENTED,
                        "Asynchronous execution is not supported; call from a worker thread and use SQLCancel",
                    ));
                }
            }
            // Forward-only or static: a keyset-driven or dynamic cursor becomes static (the
            // closest the driver has), as the specification lets a driver substitute.
            SQL_ATTR_CURSOR_TYPE => {
                st.attrs.static_cursor = value != SQL_CURSOR_FORWARD_ONLY;
                if value == SQL_CURSOR_KEYSET_DRIVEN || value == SQL_CURSOR_DYNAMIC {
                    self.diag.push_warning(
                        state::OPTION_VALUE_CHANGED,
                        "Option value changed: apiodbc has forward-only and static cursors; a static cursor is used",
                    );
                }
            }
            SQL_ATTR_CURSOR_SCROLLABLE => st.attrs.static_cursor = value == SQL_SCROLLABLE,
            SQL_ATTR_CONCURRENCY
            | SQL_ATTR_CURSOR_SENSITIVITY
            | SQL_ATTR_SIMULATE_CURSOR
            | SQL_ATTR_KEYSET_SIZE
            | SQL_ATTR_USE_BOOKMARKS => {
                let accepted = match attribute {
                    SQL_ATTR_CONCURRENCY => value == SQL_CONCUR_READ_ONLY,
                    SQL_ATTR_CURSOR_SENSITIVITY => {
                        value == SQL_INSENSITIVE || value == SQL_UNSPECIFIED
                    }
                    _ => value == 0,
                };
                if !accepted {
                    self.diag.push_warning(
                        state::OPTION_VALUE_CHANGED,
                        "Option value changed: apiodbc cursors are read-only, insensitive and without bookmarks",
                    );
                }
            }
            SQL_ATTR_ROW_ARRAY_SIZE | SQL_ROWSET_SIZE => {
                if value == 0 {
                    return Err(Error::new(
                        state::INVALID_ATTRIBUTE_VALUE,
                        "The row array size must be at least 1",
                    ));
                }
                lock(&self.ard.state).header.array_size = value;
            }
            SQL_ATTR_ROW_BIND_TYPE => lock(&self.ard.state).header.bind_type = value,
            SQL_ATTR_ROW_BIND_OFFSET_PTR => lock(&self.ard.state).header.bind_offset_ptr = pointer,
            SQL_ATTR_ROW_STATUS_PTR => lock(&self.ird.state).header.array_status_ptr = pointer,
            SQL_ATTR_ROWS_FETCHED_PTR => lock(&self.ird.state).header.rows_processed_ptr = pointer,
            SQL_ATTR_ROW_OPERATION_PTR => lock(&self.ard.state).header.array_status_ptr = pointer,
            SQL_ATTR_PARAMSET_SIZE => {
                if value == 0 {
                    return Err(Error::new(
                        state::INVALID_ATTRIBUTE_VALUE,
                        "SQL_ATTR_PARAMSET_SIZE must be at least 1",
                    ));
                }
                lock(&self.apd.state).header.array_size = value;
            }
            SQL_ATTR_PARAM_BIND_TYPE => lock(&self.apd.state).header.bind_type = value,
            SQL_ATTR_PARAM_BIND_OFFSET_PTR => {
                lock(&self.apd.state).header.bind_offset_ptr = pointer
            }
            SQL_ATTR_PARAM_OPERATION_PTR => lock(&self.apd.state).header.array_status_ptr = pointer,
            SQL_ATTR_PARAM_STATUS_PTR => lock(&self.ipd.state).header.array_status_ptr = pointer,
            SQL_ATTR_PARAMS_PROCESSED_PTR => {
                lock(&self.ipd.state).header.rows_processed_ptr = pointer
            }
            SQL_ATTR_ENABLE_AUTO_IPD => {}
            SQL_ATTR_APP_ROW_DESC | SQL_ATTR_APP_PARAM_DESC => {
                let implicit = if attribute == SQL_ATTR_APP_ROW_DESC {
                    &self.ard
                } else {
                    &self.apd
                };
                if value != 0 && value != Arc::as_ptr(implicit) as usize {
                    return Err(Error::new(
                        state::OPTIONAL_FEATURE_NOT_IMPLEMENTED,
                        "Explicitly allocated descriptors are not supported; use the statement's own",
                    ));
                }
            }
            SQL_ATTR_IMP_ROW_DESC | SQL_ATTR_IMP_PARAM_DESC | SQL_ATTR_ROW_NUMBER => {
                return Err(Error::new(
                    state::INVALID_ATTRIBUTE_VALUE,
                    format!("Statement attribute {attribute} is read-only"),
                ))
            }
            SQL_ATTR_FETCH_BOOKMARK_PTR => {
                return Err(Error::new(
                    state::OPTIONAL_FEATURE_NOT_IMPLEMENTED,
                    "Bookmarks are not supported",
                ))
            }
            other => {
                return Err(Error::new(
                    state::INVALID_ATTRIBUTE_IDENTIFIER,
                    format!("Statement attribute {other} is not known"),
                ))
            }
        }
        Ok(())
    }

    pub fn get_attr(&self, attribute: i32) -> Result<StmtAttrValue> {
        let st = lock(&self.state);
        let value = match attribute {
            SQL_ATTR_QUERY_TIMEOUT => StmtAttrValue::Int(st.attrs.query_timeout),
            SQL_ATTR_MAX_ROWS => StmtAttrValue::Int(st.attrs.max_rows),
            SQL_ATTR_NOSCAN => StmtAttrValue::Int(st.attrs.noscan),
            SQL_ATTR_MAX_LENGTH => StmtAttrValue::Int(st.attrs.max_length),
            SQL_ATTR_METADATA_ID => StmtAttrValue::Int(st.attrs.metadata_id),
            SQL_ATTR_RETRIEVE_DATA => StmtAttrValue::Int(st.attrs.retrieve_data),
            SQL_ATTR_ASYNC_ENABLE
            | SQL_ATTR_SIMULATE_CURSOR
            | SQL_ATTR_KEYSET_SIZE
            | SQL_ATTR_USE_BOOKMARKS
            | SQL_ATTR_ENABLE_AUTO_IPD => StmtAttrValue::Int(0),
            SQL_ATTR_CURSOR_TYPE => StmtAttrValue::Int(if st.attrs.static_cursor {
                SQL_CURSOR_STATIC
            } else {
                SQL_CURSOR_FORWARD_ONLY
            }),
            SQL_ATTR_CURSOR_SCROLLABLE => StmtAttrValue::Int(if st.attrs.static_cursor {
                SQL_SCROLLABLE
            } else {
                SQL_NONSCROLLABLE
            }),
            SQL_ATTR_CONCURRENCY => StmtAttrValue::Int(SQL_CONCUR_READ_ONLY),
            SQL_ATTR_CURSOR_SENSITIVITY => StmtAttrValue::Int(SQL_INSENSITIVE),
            SQL_ATTR_ROW_NUMBER => StmtAttrValue::Int(
                st.cursor
                    .as_ref()
                    .filter(|_| st.positioned)
                    .map(|c| c.row_number() as usize)
                    .unwrap_or(0),
            ),
            SQL_ATTR_ROW_ARRAY_SIZE | SQL_ROWSET_SIZE => {
                StmtAttrValue::Int(lock(&self.ard.state).header.array_size)
            }
            SQL_ATTR_ROW_BIND_TYPE => StmtAttrValue::Int(lock(&self.ard.state).header.bind_type),
            SQL_ATTR_ROW_BIND_OFFSET_PTR => {
                StmtAttrValue::Ptr(lock(&self.ard.state).header.bind_offset_ptr)
            }
            SQL_ATTR_ROW_OPERATION_PTR => {
                StmtAttrValue::Ptr(lock(&self.ard.state).header.array_status_ptr)
            }
            SQL_ATTR_ROW_STATUS_PTR => {
                StmtAttrValue::Ptr(lock(&self.ird.state).header.array_status_ptr)
            }
            SQL_ATTR_ROWS_FETCHED_PTR => {
                StmtAttrValue::Ptr(lock(&self.ird.state).header.rows_processed_ptr)
            }
            SQL_ATTR_PARAMSET_SIZE => StmtAttrValue::Int(lock(&self.apd.state).header.array_size),
            SQL_ATTR_PARAM_BIND_TYPE => StmtAttrValue::Int(lock(&self.apd.state).header.bind_type),
            SQL_ATTR_PARAM_BIND_OFFSET_PTR => {
                StmtAttrValue::Ptr(lock(&self.apd.state).header.bind_offset_ptr)
            }
            SQL_ATTR_PARAM_OPERATION_PTR => {
                StmtAttrValue::Ptr(lock(&self.apd.state).header.array_status_ptr)
            }
            SQL_ATTR_PARAM_STATUS_PTR => {
                StmtAttrValue::Ptr(lock(&self.ipd.state).header.array_status_ptr)
            }
            SQL_ATTR_PARAMS_PROCESSED_PTR => {
                StmtAttrValue::Ptr(lock(&self.ipd.state).header.rows_processed_ptr)
            }
            SQL_ATTR_APP_ROW_DESC => StmtAttrValue::Handle(Arc::as_ptr(&self.ard) as usize),
            SQL_ATTR_APP_PARAM_DESC => StmtAttrValue::Handle(Arc::as_ptr(&self.apd) as usize),
            SQL_ATTR_IMP_ROW_DESC => StmtAttrValue::Handle(Arc::as_ptr(&self.ird) as usize),
            SQL_ATTR_IMP_PARAM_DESC => StmtAttrValue::Handle(Arc::as_ptr(&self.ipd) as usize),
            other => {
                return Err(Error::new(
                    state::INVALID_ATTRIBUTE_IDENTIFIER,
                    format!("Statement attribute {other} is not known"),
                ))
            }
        };
        Ok(value)
    }
}
