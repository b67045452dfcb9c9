//! A film is written beside its destination and renamed over it once whole: a failure or an
//! interruption never leaves part of a film at the path the user asked for.

use std::io::{BufWriter, Write};
use std::path::Path;

use crate::error::FilmError;

/// Runs `write` into a new hidden file in `path`'s directory, then renames it to `path`.
/// On any failure the hidden file is removed and `path` is left as it was.
pub(crate) fn beside_then_rename(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<(), FilmError>,
) -> Result<(), FilmError> {
    let failed = |source: std::io::Error| FilmError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".part");
    // A film is for sharing: the permissions any new file gets (0666 less the umask), not
    // the private 0600 of a temporary file.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let part = builder.tempfile_in(dir).map_err(failed)?;
    {
        let mut out = BufWriter::with_capacity(1 << 20, part.as_file());
        write(&mut out).map_err(|err| match err {
            FilmError::Output(source) => failed(source),
            other => other,
        })?;
        out.flush().map_err(failed)?;
    }
    // Whole on disk before it takes the name, so a crash right after cannot leave a name
    // pointing at a film with holes.
    part.as_file().sync_all().map_err(failed)?;
    part.persist(path).map_err(|err| failed(err.error))?;
    Ok(())
}
