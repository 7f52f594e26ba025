//! The operating system facts the token store checks files against.

/// The effective user id of this process: the owner a private settings file must have.
#[cfg(unix)]
pub fn effective_uid() -> u32 {
    // SAFETY: geteuid takes no arguments, touches no memory of ours and cannot fail (POSIX).
    unsafe { libc::geteuid() }
}

/// The effective group id of this process.
#[cfg(unix)]
pub fn effective_gid() -> u32 {
    // SAFETY: getegid takes no arguments, touches no memory of ours and cannot fail (POSIX).
    unsafe { libc::getegid() }
}
