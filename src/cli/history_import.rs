//! `i2v history import --from-fal [--since 7d] [--no-download]`: jobs made elsewhere brought
//! in from fal's records (see [`crate::fal_import`]), saved marked imported, their videos
//! downloaded unless told not to; those fal still runs are left for `i2v resume`. Running it
//! again adds nothing twice: a request a record names is never imported again.

use std::process::ExitCode;

use chrono::{DateTime, Utc};
use i2v_store::JobState;

use super::history::plural;
use super::report::Reporter;
use super::submit::{Followed, follow};
use crate::config::Settings;
use crate::fal_import::{DEFAULT_SINCE, Unfinished, bring_in};
use crate::jobs::{Engine, EngineOptions};
use crate::setup::Backend;
use crate::text::sanitize;

pub async fn import(
    backend: Backend,
    since: Option<DateTime<Utc>>,
    no_download: bool,
    settings: &Settings,
) -> anyhow::Result<ExitCode> {
    let since = since.unwrap_or_else(|| Utc::now() - DEFAULT_SINCE);
    let download = settings.download && !no_download;
    let price = crate::pricing::known(
        settings.price_configured(),
        backend.store.root(),
        i2v_fal::MODEL_ID,
    );
    let found =
        crate::fal_import::look(&backend.client, &backend.store, since, price.usd, !download)
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "fal's records could not be read, so nothing was imported: {}",
                    sanitize(&e.to_string())
                )
            })?;
    let when = since.format("%Y-%m-%d %H:%M UTC");
    if found.cut {
        eprintln!(
            "note: fal's records hold more requests since {when} than one look reads; the \
             oldest were not looked at (a later --since reads fewer)"
        );
    }
    if found.without_input > 0 {
        eprintln!(
            "note: {} request(s) left out: fal kept no input of them (sent with \
             X-Fal-Store-IO: 0, or their payloads were deleted)",
            found.without_input
        );
    }
    if found.maybe_ours > 0 {
        eprintln!(
            "note: {} request(s) left out: each has the input of a job here whose submit's \
             answer was lost; `i2v resume` (or `i2v history check ID`) settles those",
            found.maybe_ours
        );
    }
    if found.records.is_empty() {
        eprintln!(
            "nothing to import: every request fal's records show since {when} is in the \
             history already"
        );
        return Ok(ExitCode::SUCCESS);
    }
    let (engine, mut events) = Engine::new(
        backend.client.clone(),
        backend.store.clone(),
        EngineOptions {
            download,
            settle_after: settings.settle_after,
            ..EngineOptions::default()
        },
    );
    let imported = bring_in(&engine, found.records, Unfinished::Leave);
    for record in &imported.saved {
        println!(
            "{} {} {}",
            record.id,
            record.state.label(),
            sanitize(record.title())
        );
    }
    eprintln!(
        "imported {} job{} from fal's records since {when}: {} completed, {} failed",
        imported.saved.len(),
        plural(imported.saved.len()),
        imported.count(&JobState::Completed),
        imported.count(&JobState::Failed),
    );
    let running = imported.unfinished();
    if running > 0 {
        eprintln!(
            "{running} of them still queued or running on fal: `i2v resume` (or the \
             workbench, as it starts) follows them to their videos"
        );
    }
    if let Some((left, why)) = &imported.not_saved {
        eprintln!(
            "error: {left} job{} not imported, the history could not save them: {}",
            plural(*left),
            sanitize(why)
        );
    }
    let failed_saves = imported.not_saved.is_some();
    // The videos, fetched now unless told not to.
    let following = imported.fetching;
    if following.is_empty() {
        return Ok(exit_code(failed_saves));
    }
    eprintln!("downloading {} video(s)", following.len());
    let mut reporter = Reporter::new(following.len() > 1);
    match follow(&engine, &mut events, &mut reporter, following.len(), None).await {
        Followed::Stopped(why, _) => {
            eprintln!(
                "{}: the jobs are imported; `i2v resume` fetches the videos not downloaded",
                why.describe()
            );
            Ok(why.exit_code())
        }
        Followed::Done(records) => {
            let missing = records.iter().filter(|r| r.lacks_its_video()).count();
            if missing > 0 {
                eprintln!(
                    "warning: {missing} video(s) could not be downloaded; `i2v resume` tries \
                     again while fal serves them"
                );
                return Ok(ExitCode::from(1));
            }
            Ok(exit_code(failed_saves))
        }
    }
}

/// 1 when some jobs could not be saved, as for a video not downloaded.
fn exit_code(failed_saves: bool) -> ExitCode {
    match failed_saves {
        true => ExitCode::from(1),
        false => ExitCode::SUCCESS,
    }
}
