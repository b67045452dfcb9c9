//! Reading a local file without trusting what sits at its path. A FIFO where the config,
//! a theme, the draft or a prompt file should be would block the open (or the read) forever,
//! and a link to `/dev/zero` would read until memory runs out; so only regular files are
//! read, opened without waiting, and only up to a size that fits what the file holds.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The OS's own words; `NotFound` among them, for callers that treat it as "none yet".
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("not a regular file (a FIFO, device or directory), so it was not read")]
    NotAFile,
    #[error("larger than {}, more than {what} ever holds, so it was not read", size_text(*.cap))]
    TooLarge { cap: u64, what: &'static str },
}

impl ReadError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::Io(e) if e.kind() == io::ErrorKind::NotFound)
    }
}

/// A cap in the words of its error: `1 MB`, `64 KB`.
fn size_text(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{} MB", bytes >> 20)
    } else {
        format!("{} KB", bytes >> 10)
    }
}

/// The whole of the regular file at `path`, refused if it holds more than `cap` bytes;
/// `what` names what such a file holds in that refusal ("a config").
pub fn read_capped(path: &Path, cap: u64, what: &'static str) -> Result<Vec<u8>, ReadError> {
    let file = open_regular(path)?;
    let len = file.metadata()?.len();
    if len > cap {
        return Err(ReadError::TooLarge { cap, what });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    // The file may grow between the look and the read.
    file.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge { cap, what });
    }
    Ok(bytes)
}

/// [`read_capped`], as UTF-8 text.
pub fn read_text_capped(path: &Path, cap: u64, what: &'static str) -> Result<String, ReadError> {
    let bytes = read_capped(path, cap, what)?;
    String::from_utf8(bytes)
        .map_err(|_| ReadError::Io(io::Error::new(io::ErrorKind::InvalidData, "not UTF-8 text")))
}

/// `path` opened for reading if it is a regular file.
pub fn open_regular(path: &Path) -> Result<File, ReadError> {
    let file = open_nonblocking(path)?;
    if !file.metadata()?.is_file() {
        return Err(ReadError::NotAFile);
    }
    Ok(file)
}

/// Opening a FIFO for reading waits for a writer unless `O_NONBLOCK` is given; for a regular
/// file the flag changes nothing.
pub fn open_nonblocking(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    options.open(path)
}

/// Whether what is at `path` may be appended to as a file i2v writes (the day's log): a
/// regular file, or nothing yet. A FIFO would block the open for writing until someone
/// reads it; a device is no log.
pub fn check_appendable(path: &Path) -> Result<(), ReadError> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(()),
        Ok(_) => Err(ReadError::NotAFile),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(ReadError::Io(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_within_its_cap_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        std::fs::write(&path, "x = 1\n").unwrap();
        assert_eq!(
            read_text_capped(&path, 1024, "a config").unwrap(),
            "x = 1\n"
        );
        let err = read_capped(&path, 3, "a config").unwrap_err();
        assert_eq!(
            err.to_string(),
            "larger than 0 KB, more than a config ever holds, so it was not read"
        );
        assert!(
            read_capped(&dir.path().join("none"), 3, "x")
                .unwrap_err()
                .is_not_found()
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_and_dev_zero_are_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success());
        assert!(matches!(
            read_capped(&fifo, 10, "x"),
            Err(ReadError::NotAFile)
        ));
        assert!(matches!(
            read_capped(Path::new("/dev/zero"), 10, "x"),
            Err(ReadError::NotAFile)
        ));
        assert!(matches!(check_appendable(&fifo), Err(ReadError::NotAFile)));
        assert!(check_appendable(&dir.path().join("new.log")).is_ok());
    }
}
