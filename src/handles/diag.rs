//! Diagnostic records of one handle: what SQLGetDiagRec and SQLGetDiagField read. Each export
//! clears them on entry (except the diagnostic functions themselves), as the spec requires.

use std::sync::Mutex;

use crate::error::{state, Error, SqlState};

#[derive(Clone, Debug)]
pub struct DiagRecord {
    pub state: SqlState,
    pub native: i32,
    pub message: String,
    /// SQL_DIAG_ROW_NUMBER / SQL_DIAG_COLUMN_NUMBER; 0 when unknown.
    pub row: isize,
    pub column: i32,
}

impl DiagRecord {
    pub fn is_warning(&self) -> bool {
        self.state.as_str().starts_with("01")
    }
}

/// The header fields and records of one handle.
#[derive(Default, Debug)]
pub struct DiagArea {
    pub records: Vec<DiagRecord>,
    pub return_code: i16,
    /// SQL_DIAG_DYNAMIC_FUNCTION of the last executed statement.
    pub dynamic_function: String,
}

#[derive(Default, Debug)]
pub struct Diagnostics(Mutex<DiagArea>);

impl Diagnostics {
    pub fn clear(&self) {
        let mut area = self.lock();
        area.records.clear();
        area.return_code = 0;
    }

    pub fn push_error(&self, error: &Error) {
        self.push(DiagRecord {
            state: error.state,
            native: error.native,
            message: error.message.clone(),
            row: 0,
            column: 0,
        });
    }

    pub fn push_warning(&self, state: SqlState, message: impl Into<String>) {
        self.push(DiagRecord {
            state,
            native: 0,
            message: message.into(),
            row: 0,
            column: 0,
        });
    }

    /// Records `record` with every live secret in its text masked: messages quote APIs, URLs and
    /// values that may hold a credential the driver was given.
    pub fn push(&self, mut record: DiagRecord) {
        record.message = crate::error::prefixed(record.message);
        if let std::borrow::Cow::Owned(masked) = crate::secret::mask_secrets(&record.message) {
            record.message = masked;
        }
        self.lock().records.push(record);
    }

    pub fn has_warnings(&self) -> bool {
        self.lock().records.iter().any(DiagRecord::is_warning)
    }

    pub fn set_return_code(&self, code: i16) {
        self.lock().return_code = code;
    }

    pub fn lock(&self) -> std::sync::MutexGuard<'_, DiagArea> {
        // A panic while holding this lock leaves plain data behind; keep using it.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn truncation_warning(&self) {
        self.push_warning(
            state::STRING_TRUNCATED,
            "String data, right truncated: the buffer was too small; the returned length is the full length",
        );
    }
}
