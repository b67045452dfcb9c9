//! Reading one record file without trusting what sits at its path: a FIFO would block the
//! open (or the read) forever and a link to `/dev/zero` would read until memory runs out, so
//! only regular files are read, and only up to a size no real record comes near.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// Far beyond any real record (10,000 log lines take about 2 MB), far below trouble.
pub const MAX_RECORD_BYTES: u64 = 32 * 1024 * 1024;

/// The file's bytes; `NotFound` passes through so callers can tell "no record yet".
pub(crate) fn read_record_file(path: &Path) -> io::Result<Vec<u8>> {
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other(
            "not a regular file (a FIFO, device or directory), so it was not read",
        ));
    }
    if meta.len() > MAX_RECORD_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // The file may grow between the check and the read.
    file.take(MAX_RECORD_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_RECORD_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

fn too_large() -> io::Error {
    io::Error::other(format!(
        "larger than {} MB, which no job record is, so it was not read",
        MAX_RECORD_BYTES / (1024 * 1024)
    ))
}

/// Opening a FIFO for reading waits for a writer unless `O_NONBLOCK` is given; for a regular
/// file the flag changes nothing.
pub(crate) fn open_nonblocking(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    options.open(path)
}
