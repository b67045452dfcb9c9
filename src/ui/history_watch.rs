//! Jobs added, changed or removed behind the workbench's back (another i2v, `i2v history rm`,
//! a sync from another machine) show up without a restart. Records are replaced by renaming
//! a new file into `jobs/`, so every such change touches the directory: its modification
//! time is looked at once a second, and when it moved the history is listed again through
//! the index (which reads only the files that changed) and handed to the app whole.

use std::time::{Duration, Instant, SystemTime};

use i2v_store::Store;
use tokio::sync::mpsc;

use super::Msg;

const POLL: Duration = Duration::from_secs(1);
/// A listing of 100,000 jobs stats every file (about half a second): after one, wait this
/// many times as long before the next, so a busy directory costs at most a fifth of a core.
const REST_FACTOR: u32 = 4;

/// Watches `store`'s jobs dir until the workbench is gone, from `seen`: the folder's
/// [`modified`] time taken before the listing the app has, so nothing that changed while it
/// was made goes unnoticed.
pub(super) fn spawn(store: Store, tx: mpsc::UnboundedSender<Msg>, seen: Option<SystemTime>) {
    tokio::spawn(async move {
        let mut seen = seen;
        let mut rest = POLL;
        while !tx.is_closed() {
            tokio::time::sleep(rest).await;
            let now = modified(&store);
            if now == seen {
                rest = POLL;
                continue;
            }
            let (store, tx) = (store.clone(), tx.clone());
            let took = tokio::task::spawn_blocking(move || {
                let start = Instant::now();
                let seen = modified(&store);
                let history = store.history();
                let _ = tx.send(Msg::HistoryLoaded {
                    rows: super::HistoryRows::of(history.jobs),
                    problems: history.problems.iter().map(|p| p.to_string()).collect(),
                });
                (seen, start.elapsed())
            })
            .await;
            match took {
                Ok((now, took)) => {
                    seen = now;
                    rest = POLL.max(took * REST_FACTOR);
                }
                Err(err) => {
                    tracing::warn!(error = %err, "watching the history stopped");
                    return;
                }
            }
        }
    });
}

pub(super) fn modified(store: &Store) -> Option<SystemTime> {
    std::fs::metadata(store.jobs_dir()).ok()?.modified().ok()
}
