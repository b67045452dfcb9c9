//! Jobs added, changed or removed behind the workbench's back (another i2v, `i2v history rm`,
//! a sync from another machine) show up without a restart. Records are replaced by renaming
//! a new file into `jobs/`, so every such change touches the directory: its modification
//! time is looked at once a second, and when it moved the store says what changed since the
//! listing the app has (it stats every file and reads only those new or changed), and only
//! that goes to the app. Listing the whole history again instead would hold a second copy
//! of it for a moment, and glibc keeps the memory that moment took.
//!
//! The workbench's own saves (a running job's record is written as its logs arrive) touch
//! the folder too, but the app already has those records: stat'ing 100,000 files for each
//! would cost a core's fifth while anything runs. A change the store says is its own is
//! left for up to [`OWN_AT_MOST`], so another process's change made between two of ours is
//! still seen, only later.

use std::time::{Duration, Instant, SystemTime};

use i2v_store::{Seen, Store};
use tokio::sync::mpsc;

use crate::ui::Msg;

const POLL: Duration = Duration::from_secs(1);
/// A look at 100,000 jobs stats every file (a few tenths of a second): after one, wait this
/// many times as long before the next, so a busy directory costs at most a fifth of a core.
const REST_FACTOR: u32 = 4;
/// How long a folder changed (as far as we can tell) by our own saves goes without a listing.
const OWN_AT_MOST: Duration = Duration::from_secs(30);

/// What a look at the folder found.
#[derive(Debug, PartialEq)]
enum Look {
    /// Unchanged since the listing the app has.
    Same,
    /// Changed, and as it was right after this process's last write.
    Own,
    /// Changed by someone else (or by us, then someone else).
    Other,
}

fn look(now: Option<SystemTime>, seen: Option<SystemTime>, own: Option<SystemTime>) -> Look {
    if now == seen {
        Look::Same
    } else if now.is_some() && now == own {
        Look::Own
    } else {
        Look::Other
    }
}

/// Watches `store`'s jobs dir until the workbench is gone, from the listing the app has:
/// `seen` is what it was made from, and `modified` the folder's [`modified`] time taken
/// before it, so nothing that changed while it was made goes unnoticed.
pub(super) fn spawn(
    store: Store,
    tx: mpsc::UnboundedSender<Msg>,
    modified: Option<SystemTime>,
    seen: Seen,
) {
    tokio::spawn(async move {
        let mut looked = modified;
        let mut seen = seen;
        let mut rest = POLL;
        // Since when changes of our own have been left unlisted.
        let mut own_since: Option<Instant> = None;
        while !tx.is_closed() {
            tokio::time::sleep(rest).await;
            let now = self::modified(&store);
            let skip = match look(now, looked, store.own_write_stamp()) {
                Look::Same => true,
                Look::Own => own_since.get_or_insert_with(Instant::now).elapsed() < OWN_AT_MOST,
                Look::Other => false,
            };
            if skip {
                rest = POLL;
                continue;
            }
            own_since = None;
            let (store, tx) = (store.clone(), tx.clone());
            let took = tokio::task::spawn_blocking(move || {
                let start = Instant::now();
                let now = self::modified(&store);
                let changes = store.changes_since(&mut seen);
                if !changes.is_empty() {
                    let _ = tx.send(Msg::HistoryChanged {
                        changed: changes.changed,
                        removed: changes.removed,
                        problems: changes.problems.iter().map(|p| p.to_string()).collect(),
                    });
                }
                (now, seen, start.elapsed())
            })
            .await;
            match took {
                Ok((now, kept, took)) => {
                    looked = now;
                    seen = kept;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_change_that_is_not_our_last_write_asks_for_a_listing() {
        let t = |secs| Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs));
        assert_eq!(look(t(5), t(5), None), Look::Same);
        assert_eq!(look(t(5), t(5), t(5)), Look::Same);
        // We wrote last: the folder is as our write left it.
        assert_eq!(look(t(7), t(5), t(7)), Look::Own);
        // Someone wrote after us, or we never wrote.
        assert_eq!(look(t(8), t(5), t(7)), Look::Other);
        assert_eq!(look(t(8), t(5), None), Look::Other);
        // A folder gone is not "our own write".
        assert_eq!(look(None, t(5), None), Look::Other);
    }
}
