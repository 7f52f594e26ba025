//! Reading files that users name (profile files, CA certificates, the OAuth settings file): only
//! regular files, opened so that a FIFO cannot block the connect and read with a size limit, so
//! that `/dev/zero` or a huge file cannot fill the application's memory. It knows nothing of what
//! the bytes mean; callers turn its errors into their own messages.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

#[cfg(unix)]
use std::os::unix::fs::OpenOptionsExt;

/// Why a file was not read.
#[derive(Debug)]
pub enum FileError {
    NotFound,
    /// A directory, FIFO, socket or device: what it is.
    NotRegular(&'static str),
    /// Larger than the limit (bytes).
    TooLarge(u64),
    /// A symbolic link where `Follow::No` was asked.
    Symlink,
    Io(io::Error),
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::NotFound => f.write_str("it does not exist"),
            FileError::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
            FileError::TooLarge(limit) => write!(f, "it is larger than {limit} bytes"),
            FileError::Symlink => f.write_str("it is a symbolic link"),
            FileError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// Whether the last component may be a symbolic link.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Follow {
    Yes,
    No,
}

/// Opens `path` for reading without blocking on a FIFO, refusing anything but a regular file.
pub fn open_regular(path: &Path, follow: Follow) -> Result<File, FileError> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        let mut flags = libc::O_NONBLOCK;
        if follow == Follow::No {
            flags |= libc::O_NOFOLLOW;
        }
        options.custom_flags(flags);
    }
    let file = options.open(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => FileError::NotFound,
        // O_NOFOLLOW on a symbolic link fails with ELOOP.
        _ if follow == Follow::No && e.raw_os_error() == Some(libc::ELOOP) => FileError::Symlink,
        _ => FileError::Io(e),
    })?;
    let meta = file.metadata().map_err(FileError::Io)?;
    if !meta.is_file() {
        return Err(FileError::NotRegular(kind_of(&meta)));
    }
    Ok(file)
}

/// The bytes of the regular file at `path`, at most `limit` of them.
pub fn read_regular(path: &Path, limit: u64, follow: Follow) -> Result<Vec<u8>, FileError> {
    let file = open_regular(path, follow)?;
    read_bounded(file, limit)
}

/// Reads an open file whole, failing once it passes `limit` bytes.
pub fn read_bounded(file: File, limit: u64) -> Result<Vec<u8>, FileError> {
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(FileError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(FileError::TooLarge(limit));
    }
    Ok(bytes)
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    if meta.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_folders_and_fifos_are_refused_without_blocking() {
        assert!(matches!(
            read_regular(Path::new("/dev/zero"), 1 << 20, Follow::Yes),
            Err(FileError::NotRegular("a device"))
        ));
        assert!(matches!(
            read_regular(Path::new("/tmp"), 1 << 20, Follow::Yes),
            Err(FileError::NotRegular("a folder"))
        ));
        let fifo = std::env::temp_dir().join(format!("apiodbc-fifo-{}", std::process::id()));
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let result = read_regular(&fifo, 1 << 20, Follow::Yes);
            let _ = std::fs::remove_file(&fifo);
            assert!(
                matches!(result, Err(FileError::NotRegular("a FIFO"))),
                "{result:?}"
            );
        }
    }

    #[test]
    fn the_limit_and_symlinks() {
        let dir = std::env::temp_dir().join(format!("apiodbc-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("f");
        std::fs::write(&file, vec![b'x'; 100]).unwrap();
        assert_eq!(read_regular(&file, 100, Follow::Yes).unwrap().len(), 100);
        assert!(matches!(
            read_regular(&file, 99, Follow::Yes),
            Err(FileError::TooLarge(99))
        ));
        let link = dir.join("l");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert!(read_regular(&link, 100, Follow::Yes).is_ok());
        assert!(matches!(
            read_regular(&link, 100, Follow::No),
            Err(FileError::Symlink)
        ));
        assert!(matches!(
            read_regular(&dir.join("missing"), 1, Follow::Yes),
            Err(FileError::NotFound)
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
