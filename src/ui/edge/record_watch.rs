//! Jobs another process follows (an `i2v resume`, a second workbench) change only on disk.
//! While any such job is shown unfinished, its record file is looked at once a second and
//! read again when it changed; once the other process lets go of a job, this workbench's
//! engine takes it over.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use i2v_store::{JobId, Store};
use tokio::sync::mpsc;

use crate::jobs::{Engine, JobEvent, Resumed};
use crate::ui::Msg;

const POLL: Duration = Duration::from_secs(1);

/// What the file looked like when last read: a change in either means read it again.
type Stamp = Option<(SystemTime, u64)>;

/// Follows `ids` on disk until each is finished or taken over, or the workbench is gone.
pub(super) fn spawn(
    store: Store,
    engine: Option<Engine>,
    tx: mpsc::UnboundedSender<Msg>,
    ids: Vec<JobId>,
) {
    if ids.is_empty() {
        return;
    }
    tokio::spawn(async move {
        // Not stamped yet: the first look reads each record, as it may have changed since
        // the listing the screen shows.
        let mut watched: HashMap<JobId, Stamp> = ids.into_iter().map(|id| (id, None)).collect();
        let mut tick = tokio::time::interval(POLL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        while !watched.is_empty() && !tx.is_closed() {
            tick.tick().await;
            let (store, engine, tx) = (store.clone(), engine.clone(), tx.clone());
            let current = std::mem::take(&mut watched);
            let checked = tokio::task::spawn_blocking(move || {
                current
                    .into_iter()
                    .filter_map(|(id, seen)| check(&store, engine.as_ref(), &tx, id, seen))
                    .collect::<HashMap<_, _>>()
            })
            .await;
            match checked {
                Ok(still) => watched = still,
                Err(err) => {
                    tracing::warn!(error = %err, "watching other processes' jobs stopped");
                    return;
                }
            }
        }
    });
}

/// One look at one job; `Some` to keep watching it.
fn check(
    store: &Store,
    engine: Option<&Engine>,
    tx: &mpsc::UnboundedSender<Msg>,
    id: JobId,
    seen: Stamp,
) -> Option<(JobId, Stamp)> {
    let now = stamp(store, &id);
    let record = if now != seen {
        let record = store.load(&id).ok()?;
        let _ = tx.send(Msg::Job(JobEvent::Updated(Box::new(record.clone()))));
        record
    } else if engine.is_some() {
        store.load(&id).ok()?
    } else {
        return Some((id, now));
    };
    if record.state.is_terminal() {
        return None;
    }
    // The other process may have ended (or been killed) without finishing the job.
    match engine.map(|e| e.resume(record)) {
        Some(Resumed::Started | Resumed::AlreadyFinished) => None,
        Some(Resumed::Busy) | None => Some((id, now)),
    }
}

fn stamp(store: &Store, id: &JobId) -> Stamp {
    let path = store.record_path(id).ok()?;
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}
