//! The driver manager's installer library (`libodbcinst`), loaded at run time so the driver never
//! links it: one binary then works under unixODBC and iODBC, and builds without either. It owns
//! the FFI to `SQLGetPrivateProfileString` (the ANSI one; unixODBC's W version is unreliable) and
//! offers safe wrappers. It knows nothing of connection properties.

use std::ffi::{c_char, c_int, CStr, CString};
use std::sync::{Mutex, OnceLock};

/// `int SQLGetPrivateProfileString(const char *section, const char *entry, const char *default,
/// char *ret, int size, const char *filename)`
type GetPrivateProfileString = unsafe extern "C" fn(
    *const c_char,
    *const c_char,
    *const c_char,
    *mut c_char,
    c_int,
    *const c_char,
) -> c_int;

/// The installer libraries to try, the loaded driver manager's own first: each reads its own
/// odbc.ini search path.
fn candidates() -> &'static [&'static str] {
    match super::driver_manager::driver_manager() {
        super::driver_manager::DriverManager::Iodbc => &[
            "libiodbcinst.so.2",
            "libiodbcinst.2.dylib",
            "libodbcinst.so.2",
            "libodbcinst.so",
        ],
        _ => &[
            "libodbcinst.so.2",
            "libodbcinst.so",
            "libiodbcinst.so.2",
            "libiodbcinst.2.dylib",
        ],
    }
}

/// Largest buffer we will offer; odbc.ini values are at most 1000 bytes in unixODBC, so reaching
/// this means the library misbehaves and a truncated answer is the best we can do.
const MAX_BUFFER: usize = 1 << 20;

/// unixODBC fills a key list only while the next name fits, so a list is complete only when this
/// much room (its longest possible key name) is left over.
const LIST_SLACK: usize = 1024;

struct Installer {
    // Kept so the function pointer stays valid; the static holding it is never dropped.
    _library: libloading::Library,
    get_private_profile_string: GetPrivateProfileString,
    // The installer keeps a process-global error stack that it clears on every call.
    lock: Mutex<()>,
}

static INSTALLER: OnceLock<Option<Installer>> = OnceLock::new();

fn installer() -> Option<&'static Installer> {
    INSTALLER.get_or_init(load).as_ref()
}

fn load() -> Option<Installer> {
    for &name in candidates() {
        // SAFETY: loading runs the library's initialisers; unixODBC's and iODBC's installer
        // libraries have none that make demands on the caller, and the driver manager that loaded
        // us normally has the same library loaded already.
        let library = match unsafe { libloading::Library::new(name) } {
            Ok(library) => library,
            Err(_) => continue,
        };
        // SAFETY: `GetPrivateProfileString` matches the C prototype both installers declare in
        // odbcinst.h; the pointer is used only while `library` is alive (it lives in the static).
        let symbol =
            unsafe { library.get::<GetPrivateProfileString>(b"SQLGetPrivateProfileString\0") };
        let function = match symbol {
            Ok(symbol) => *symbol,
            Err(_) => continue,
        };
        return Some(Installer {
            _library: library,
            get_private_profile_string: function,
            lock: Mutex::new(()),
        });
    }
    None
}

/// Whether the installer library could be loaded (tests skip without it).
#[cfg(test)]
pub fn installer_available() -> bool {
    installer().is_some()
}

enum Answer {
    /// NUL-separated names ending with an empty one.
    List,
    /// One NUL-terminated string.
    Value,
}

/// Calls SQLGetPrivateProfileString, growing the buffer while the answer fills it. `None` when the
/// library is missing; an empty buffer when the installer reports an error or the text holds NUL.
fn call(section: &str, key: Option<&str>, file: &str, answer: Answer) -> Option<Vec<u8>> {
    let installer = installer()?;
    let (Ok(section), Ok(file)) = (CString::new(section), CString::new(file)) else {
        return Some(Vec::new());
    };
    let key = match key.map(CString::new) {
        Some(Ok(k)) => Some(k),
        Some(Err(_)) => return Some(Vec::new()),
        None => None,
    };
    let key_ptr = key.as_deref().map_or(std::ptr::null(), CStr::as_ptr);
    let default = c"";
    let _guard = installer.lock.lock().unwrap_or_else(|e| e.into_inner());

    let mut size = 4096usize;
    loop {
        let mut buf = vec![0u8; size];
        let len = c_int::try_from(size).unwrap_or(c_int::MAX);
        // SAFETY: `section`, `default` and `file` are NUL-terminated strings and `key_ptr` is one
        // or null (null asks for the key list); all outlive the call. `buf` is writable for `len`
        // bytes and the installer writes at most `len` bytes including the terminator.
        let rc = unsafe {
            (installer.get_private_profile_string)(
                section.as_ptr(),
                key_ptr,
                default.as_ptr(),
                buf.as_mut_ptr().cast::<c_char>(),
                len,
                file.as_ptr(),
            )
        };
        if rc < 0 {
            return Some(Vec::new());
        }
        let (used, complete) = match answer {
            Answer::List => match buf.windows(2).position(|w| w == [0, 0]) {
                Some(0) => (0, true),
                Some(end) => (end + 1, end + 2 + LIST_SLACK < size),
                None => (size, false),
            },
            Answer::Value => match buf.iter().position(|&b| b == 0) {
                Some(end) => (end, end + 1 < size),
                None => (size, false),
            },
        };
        if complete || size >= MAX_BUFFER {
            buf.truncate(used);
            return Some(buf);
        }
        size *= 4;
    }
}

/// The key names of `section` in `file` (e.g. "odbc.ini", which the installer resolves to the
/// user and system files). Empty when the section does not exist; `None` when the installer
/// library cannot be loaded.
pub fn private_profile_keys(section: &str, file: &str) -> Option<Vec<String>> {
    let bytes = call(section, None, file, Answer::List)?;
    Some(
        bytes
            .split(|&b| b == 0)
            .filter(|name| !name.is_empty())
            .map(|name| String::from_utf8_lossy(name).into_owned())
            .collect(),
    )
}

/// The value of `key` in `section` of `file`; empty when absent. `None` when the installer
/// library cannot be loaded.
pub fn private_profile_string(section: &str, key: &str, file: &str) -> Option<String> {
    let bytes = call(section, Some(key), file, Answer::Value)?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}
