//! `i2v history check ID`: settles one job maybe sent from fal's records, as `resume` does for
//! all of them: the request they show is followed to the end (logs on stderr, the result on
//! stdout), or the job is marked never made (safe to re-run), or it stays maybe sent, saying
//! why fal's records could not tell.

use std::process::ExitCode;

use i2v_store::JobState;

use super::report::Reporter;
use super::submit::{Followed, exit_code, follow, print_result};
use crate::config::Settings;
use crate::jobs::{Engine, EngineOptions, Resumed};
use crate::setup::Backend;

pub async fn check(
    backend: Backend,
    id: &str,
    json: bool,
    settings: &Settings,
) -> anyhow::Result<ExitCode> {
    let record = backend.store.find(id)?;
    if record.state != JobState::MaybeSubmitted && !crate::jobs::unsettled(&record) {
        eprintln!(
            "job {} is {}: fal's answer to its submit was not lost, so there is nothing to check",
            record.id,
            record.state.label()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let (engine, mut events) = Engine::new(
        backend.client.clone(),
        backend.store.clone(),
        EngineOptions {
            download: settings.download && !record.no_download,
            settle_after: settings.settle_after,
            ..EngineOptions::default()
        },
    );
    let id = record.id.clone();
    match engine.check(record, true) {
        Resumed::Started => {}
        Resumed::Busy => {
            eprintln!("job {id} is being followed by another i2v process; leaving it to that one");
            return Ok(ExitCode::SUCCESS);
        }
        Resumed::AlreadyFinished => {
            eprintln!("job {id} was settled meanwhile; `i2v history show {id}` says how");
            return Ok(ExitCode::SUCCESS);
        }
    }
    let mut reporter = Reporter::new(false);
    match follow(&engine, &mut events, &mut reporter, 1, None).await {
        Followed::Stopped(why, _) => {
            eprintln!(
                "{}: job {id} is saved; `i2v resume` or `i2v history check {id}` goes on",
                why.describe()
            );
            Ok(why.exit_code())
        }
        Followed::Done(records) => {
            for record in &records {
                print_result(record, json)?;
            }
            Ok(exit_code(&records))
        }
    }
}
