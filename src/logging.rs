//! The log file: tracing output to `<data dir>/i2v.YYYY-MM-DD.log`, one file a day, the last
//! few kept. Never to the terminal (the UI owns it, and the CLI's stderr is for people).
//!
//! Logging is best effort: a data dir that cannot be written, or something else where the
//! log file should be, costs one warning on stderr and nothing more.

use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};

const PREFIX: &str = "i2v";
const SUFFIX: &str = "log";
/// Days of logs kept, today's included.
const KEPT_FILES: usize = 7;

/// Today's log file (days are UTC, as the appender counts them).
pub fn log_path(data_dir: &Path) -> PathBuf {
    let day = chrono::Utc::now().format("%Y-%m-%d");
    data_dir.join(format!("{PREFIX}.{day}.{SUFFIX}"))
}

/// Starts logging into `data_dir`. The guard must live until exit so lines are flushed; `None`
/// when there is no log (after one warning on stderr).
pub fn init(data_dir: &Path) -> Option<WorkerGuard> {
    use tracing_subscriber::EnvFilter;
    let appender = match open(data_dir) {
        Ok(appender) => appender,
        Err(err) => {
            eprintln!(
                "i2v: warning: no log file ({}): {}; going on without one",
                log_path(data_dir).display(),
                crate::text::sanitize(&crate::text::error_chain(&err))
            );
            return None;
        }
    };
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("I2V_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}

fn open(data_dir: &Path) -> anyhow::Result<RollingFileAppender> {
    // Private from the start: the store would make it 0700, but logging comes first.
    create_private_dir(data_dir)?;
    // The appender opens the day's file to append without asking what it is: a FIFO there
    // would block that open (and i2v with it) until something reads it.
    crate::local_file::check_appendable(&log_path(data_dir))?;
    Ok(RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(PREFIX)
        .filename_suffix(SUFFIX)
        .max_log_files(KEPT_FILES)
        .build(data_dir)?)
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}
