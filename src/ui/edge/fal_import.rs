//! Bringing in jobs made elsewhere from fal's records, for the history's `I`: the look and
//! the import run off the UI task, through the same code as `i2v history import --from-fal`
//! ([`crate::fal_import`]), and answer with `Msg::FalImport`.

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use crate::fal_import::{self, Unfinished};
use crate::jobs::Engine;
use crate::text::sanitize;
use crate::ui::model::msg::{FalImport, Msg};

/// Asks fal's records (on the network) what this history lacks since `since`, then sifts
/// them against the local records (file I/O, on the blocking pool); `engine` is why not
/// when there is none.
pub(crate) fn look(
    engine: Result<Engine, String>,
    since: DateTime<Utc>,
    tx: mpsc::UnboundedSender<Msg>,
) {
    let answer = move |result| {
        let _ = tx.send(Msg::FalImport(FalImport::Found { since, result }));
    };
    let engine = match engine {
        Ok(engine) => engine,
        Err(reason) => return answer(Err(reason)),
    };
    tokio::spawn(async move {
        let client = engine.client().clone();
        let list = match fal_import::ask(&client, since).await {
            Ok(list) => list,
            Err(err) => return answer(Err(sanitize(&err.to_string()))),
        };
        let price = engine.price_per_video();
        let no_download = !engine.downloads();
        let sifted = tokio::task::spawn_blocking(move || {
            fal_import::sift(&client, engine.store(), &list, since, price, no_download)
        })
        .await;
        answer(sifted.map_err(|err| format!("the look at the history failed: {err}")));
    });
}

/// Saves `records` and has the engine fetch their videos and follow those fal still runs.
pub(crate) fn import(
    engine: Result<Engine, String>,
    records: Vec<i2v_store::JobRecord>,
    tx: mpsc::UnboundedSender<Msg>,
) {
    let engine = match engine {
        Ok(engine) => engine,
        Err(reason) => {
            let _ = tx.send(Msg::FalImport(FalImport::Imported(Err(reason))));
            return;
        }
    };
    // Saves are file I/O; the engine starts its tasks from the blocking pool as at start.
    tokio::task::spawn_blocking(move || {
        let mut imported = fal_import::save(engine.store(), records, engine.downloads());
        // The app hears of the jobs before their first event: what the engine will fetch
        // and follow is said now, and started only once the answer is on its way.
        let saved = imported.saved.clone();
        for record in &saved {
            if record.lacks_its_video() {
                imported.fetching.push(record.id.clone());
            } else if !record.state.is_terminal() {
                imported.following.push(record.id.clone());
            }
        }
        let _ = tx.send(Msg::FalImport(FalImport::Imported(Ok(imported))));
        fal_import::start(&engine, &saved, Unfinished::Follow);
    });
}
