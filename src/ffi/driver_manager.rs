//! Which driver manager loaded the driver, for what it decides: the width of SQLWCHAR
//! (`crate::wchar`) and which installer library reads odbc.ini. unixODBC's `libodbc` and iODBC's
//! `libiodbc` are told apart by which of the two is in the process (asked with `RTLD_NOLOAD`, so
//! asking never loads one), or by the symbol only iODBC exports (`iodbc_version`) when iODBC is
//! linked into the program itself. `APIODBC_WCHAR_SIZE=2` or `=4` in the environment overrides
//! the width for a driver manager neither test recognises (Debian's `iodbctest` links iODBC
//! statically and exports nothing).

use std::ffi::CStr;
use std::sync::OnceLock;

/// The driver manager in the process, as far as it can be told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DriverManager {
    UnixOdbc,
    Iodbc,
    /// Neither library nor symbol: an application linked to the driver directly, or a driver
    /// manager linked into the program.
    Unknown,
}

#[cfg(target_os = "macos")]
const UNIXODBC: &CStr = c"libodbc.2.dylib";
#[cfg(not(target_os = "macos"))]
const UNIXODBC: &CStr = c"libodbc.so.2";
#[cfg(target_os = "macos")]
const IODBC: &CStr = c"libiodbc.2.dylib";
#[cfg(not(target_os = "macos"))]
const IODBC: &CStr = c"libiodbc.so.2";

/// Whether the library `name` is already loaded in the process.
fn loaded(name: &CStr) -> bool {
    // SAFETY: `name` is NUL-terminated. RTLD_NOLOAD never loads the library (so no initialiser
    // runs); it only returns a handle, with its reference count raised, when the library is there,
    // and that reference is released at once.
    unsafe {
        let handle = libc::dlopen(name.as_ptr(), libc::RTLD_NOLOAD | libc::RTLD_LAZY);
        if handle.is_null() {
            return false;
        }
        libc::dlclose(handle);
        true
    }
}

/// Whether a global symbol `name` is defined in the process.
fn defined(name: &CStr) -> bool {
    // SAFETY: `name` is NUL-terminated; dlsym with RTLD_DEFAULT only looks the symbol up.
    unsafe { !libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()).is_null() }
}

fn detect() -> DriverManager {
    if loaded(UNIXODBC) {
        DriverManager::UnixOdbc
    } else if loaded(IODBC) || defined(c"iodbc_version") {
        DriverManager::Iodbc
    } else {
        DriverManager::Unknown
    }
}

/// The driver manager in the process (looked for once).
pub fn driver_manager() -> DriverManager {
    static FOUND: OnceLock<DriverManager> = OnceLock::new();
    *FOUND.get_or_init(detect)
}

/// The SQLWCHAR width in bytes the environment asks for (`APIODBC_WCHAR_SIZE`), if it does.
pub fn wchar_size_override() -> Option<usize> {
    match std::env::var("APIODBC_WCHAR_SIZE").ok()?.trim() {
        "2" => Some(2),
        "4" => Some(4),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_test_process_has_no_iodbc() {
        // The unit tests link unixODBC's libodbc through odbc-api only in the integration tests;
        // here neither manager need be loaded, and iODBC's symbol is certainly absent.
        assert!(!defined(c"iodbc_version"));
        assert_ne!(driver_manager(), DriverManager::Iodbc);
    }
}
