//! `i2v submit` and `i2v resume`: run jobs headless, reporting on stderr, results on stdout.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use i2v_store::{BatchId, JobId, JobRecord, JobState, Store};
use i2v_video::Position;
use tokio::sync::mpsc;

use super::args::SubmitArgs;
use super::confirm::{self, Answer};
use super::history::plural;
use super::output::print_line;
use super::report::Reporter;
use crate::batch::{BatchPlan, PlanError};
use crate::image_source::{self, ImageRef};
use crate::input_limits;
use crate::jobs::{Engine, EngineOptions, JobEvent, NewJob, Origin};
use crate::remote_image::{self, RemoteImage};
use crate::setup::Backend;
use crate::text::{escape_json_controls, printable_url, sanitize};

/// Exit code for a job that ran and failed.
const JOB_FAILED: u8 = 1;
/// Exit code for bad input and setup problems, found before the job (errors exit 2 via
/// anyhow) or by fal: nothing will work until the user changes something.
const BAD_INPUT_OR_SETUP: u8 = 2;
/// The submit went out but fal's answer was lost: the job may exist (and be billed) on fal.
/// Apart from 1 so a script that re-runs failed jobs does not pay twice for this one.
const MAYBE_SUBMITTED: u8 = 3;
/// fal has the job, but its record could not be saved (a full disk): `i2v resume` finishes it
/// once there is space. Apart from 1 so a script that re-runs failed jobs does not pay twice.
const UNSAVED: u8 = 4;
/// Conventional code for "stopped by Ctrl-C".
const INTERRUPTED: u8 = 130;
/// What `timeout(1)` exits with when time runs out.
const TIMED_OUT: u8 = 124;

/// What `submit` takes from the settings.
pub struct SubmitOptions {
    pub download: bool,
    pub fal_options: i2v_store::FalOptions,
    /// The config's `price_per_video`, if set; else fal's price list is asked (see
    /// [`crate::pricing`]).
    pub price_configured: Option<f64>,
    pub max_jobs: u64,
    /// Named when the cap refuses a submit: it is where the cap is raised.
    pub config_path: PathBuf,
    /// See [`EngineOptions::settle_after`].
    pub settle_after: Duration,
    /// The config's `[budget]`: a submit past a cap is refused unless `--over-budget`.
    pub budget: crate::budget::Budget,
}

pub async fn submit(
    backend: Backend,
    args: SubmitArgs,
    options: SubmitOptions,
) -> anyhow::Result<ExitCode> {
    let template = read_prompt(&args)?;
    let plan = BatchPlan::new(&template, args.repeat, args.literal, options.max_jobs)
        .map_err(|err| plan_error(err, &options.config_path))?;
    warn_long_prompts(&plan);
    let (image, continues) = first_frame(&backend.store, &args)?;
    if options.fal_options.priority.as_deref() == Some("low") {
        eprintln!("warning: {}", crate::config::LOW_PRIORITY_WARNING);
    }
    // Checked here too so a typo or a doomed image fails before anything is created.
    check_image(&image, args.no_check).await?;
    // Asked only once the input is good: bad input reaches no fal host.
    let price = crate::pricing::current(
        options.price_configured,
        backend.store.root(),
        &backend.client,
    )
    .await;
    if let Some(trouble) = &price.trouble {
        tracing::info!(%trouble, "price per video");
    }
    let price_per_video = price.usd;
    let cost = plan.jobs() as f64 * price_per_video;
    if !within_budget(
        &backend.store,
        &options,
        cost,
        price_per_video,
        args.over_budget,
    ) {
        return Ok(ExitCode::from(BAD_INPUT_OR_SETUP));
    }
    if plan.jobs() > 1 && !args.yes && !confirmed(&plan, price_per_video) {
        return Ok(ExitCode::from(BAD_INPUT_OR_SETUP));
    }
    let (engine, mut events) = Engine::new(
        backend.client.clone(),
        backend.store.clone(),
        EngineOptions {
            download: options.download && !args.no_download,
            fal_options: options.fal_options,
            settle_after: options.settle_after,
        },
    );
    engine.set_price_per_video(price_per_video);
    let batch = (plan.jobs() > 1).then(BatchId::new);
    if let Some(batch) = &batch {
        eprintln!("batch {batch}: {}", plan.summary(price_per_video));
    }
    let ids: Vec<JobId> = plan
        .each_job()
        .map(|prompt| {
            let job = NewJob {
                prompt: prompt.to_owned(),
                image: image.clone(),
                prompt_optimizer: !args.no_prompt_optimizer,
                check_limits: !args.no_check,
            };
            let origin = Origin {
                continues: continues.clone(),
                batch: batch.clone(),
            };
            engine.submit_from(job, origin)
        })
        .collect();
    let mut reporter = Reporter::new(ids.len() > 1);
    match follow(&engine, &mut events, &mut reporter, ids.len(), args.timeout).await {
        Followed::Stopped(why, done) => {
            for id in &ids {
                match done.iter().find(|r| r.id == *id) {
                    Some(record) => print_result(record, args.json)?,
                    None => report_stopped(&backend, id, &why)?,
                }
            }
            Ok(why.exit_code())
        }
        Followed::Done(mut records) => {
            // In the order they were sent, not the order they finished.
            records.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
            for record in &records {
                print_result(record, args.json)?;
            }
            Ok(exit_code_on_disk(&backend.store, &records))
        }
    }
}

/// A plan the CLI cannot send, with what to do about it.
fn plan_error(err: PlanError, config_path: &Path) -> anyhow::Error {
    match err {
        PlanError::OverCap { .. } => anyhow::anyhow!(
            "{err}. Send fewer (fewer alternatives, a smaller --repeat), or raise \
             max_jobs_per_submit in {}",
            config_path.display()
        ),
        PlanError::Matrix(_) => {
            anyhow::anyhow!("{err} (--literal sends the prompt exactly as written)")
        }
    }
}

fn warn_long_prompts(plan: &BatchPlan) {
    let many = plan.prompts.len() > 1;
    for (index, prompt) in plan.prompts.iter().enumerate() {
        if let Some(warning) = input_limits::prompt_warning(prompt) {
            if many {
                eprintln!("warning: prompt {}: {warning}", index + 1);
            } else {
                eprintln!("warning: {warning}");
            }
        }
    }
}

/// Whether a submit costing `cost` may go: past a cap of the budget it is refused, saying
/// which, what counts against it and what the submit would cost, unless `over_budget`. A CLI
/// submit is a session of its own: the session cap weighs it alone.
fn within_budget(
    store: &Store,
    options: &SubmitOptions,
    cost: f64,
    price_now: f64,
    over_budget: bool,
) -> bool {
    use crate::budget::{Committed, Standing};
    if !options.budget.is_set() {
        return true;
    }
    let history = store.history();
    let midnight = crate::spend::local_midnight(chrono::Utc::now());
    let today = Committed::of(
        history
            .jobs
            .iter()
            .map(|job| (job.created_at, &job.state, job.price_usd)),
        Some(midnight),
        price_now,
    );
    let standing = Standing {
        today,
        session: Committed::default(),
    };
    let Some(over) = options.budget.check(&standing, cost) else {
        return true;
    };
    if over_budget {
        eprintln!("warning: {}; sent anyway (--over-budget)", over.describe());
        return true;
    }
    eprintln!(
        "i2v: {}; nothing was sent: raise {} in {}, or add --over-budget to send anyway",
        over.describe(),
        over.cap.setting(),
        options.config_path.display()
    );
    false
}

/// Lists the jobs with their cost and asks; without a terminal, says how to send them.
fn confirmed(plan: &BatchPlan, price_per_video: f64) -> bool {
    let summary = plan.summary(price_per_video);
    eprintln!("{summary}:");
    for (index, prompt) in plan.prompts.iter().enumerate() {
        let times = if plan.repeat > 1 {
            format!(" (×{})", plan.repeat)
        } else {
            String::new()
        };
        // One line each: a multi-line prompt shows its lines joined.
        let line = sanitize(&prompt.lines().collect::<Vec<_>>().join(" / "));
        eprintln!("{:>4}. {line}{times}", index + 1);
    }
    let jobs = plan.jobs();
    let cost = crate::spend::usd(jobs as f64 * price_per_video);
    let s = super::history::plural(usize::try_from(jobs).unwrap_or(usize::MAX));
    match confirm::ask(&format!("Send {jobs} job{s} for {cost}?")) {
        Answer::Yes => true,
        Answer::No => {
            eprintln!("nothing was sent");
            false
        }
        Answer::NoTerminal => {
            eprintln!(
                "i2v: {jobs} job{s} would cost {cost} and there is no terminal to ask on; \
                 nothing was sent: add --yes to send them"
            );
            false
        }
    }
}

/// What became of a job that had not finished when following stopped early.
fn report_stopped(backend: &Backend, id: &JobId, why: &Stop) -> anyhow::Result<()> {
    let record = backend.store.load(id).ok();
    if let Some(record) = record
        .as_ref()
        .filter(|r| r.state == JobState::MaybeSubmitted)
    {
        // Stopped while the submit was under way: the record says what is known.
        return print_result(record, false);
    }
    let resumable = record
        .as_ref()
        .is_some_and(|r| r.request.is_some() && !r.state.is_terminal());
    let what = why.describe();
    if resumable {
        eprintln!("{what}: job {id} is saved and still runs on fal; `i2v resume` finishes it");
    } else {
        // Not "maybe submitted", so the submit never went out.
        eprintln!(
            "{what}: job {id} stopped before it was sent to fal; nothing reached fal, \
             so submit it again"
        );
    }
    Ok(())
}

/// Jobs maybe sent that fal's records cannot settle (they keep no payloads): never sent
/// again (that could pay twice), only listed.
fn list_maybe_submitted(backend: &Backend, checking: &[JobId]) {
    let history = backend.store.history();
    for record in history
        .jobs
        .iter()
        .filter(|r| r.state == JobState::MaybeSubmitted && !checking.contains(&r.id))
    {
        eprintln!(
            "job {} may have been submitted (fal's answer was lost, and fal's records could not \
             tell); not resumed: check fal's dashboard and re-run it yourself if it is not there \
             (`i2v history show {}`)",
            record.id, record.id
        );
    }
}

pub async fn resume(
    backend: Backend,
    json: bool,
    download: bool,
    settle_after: Duration,
) -> anyhow::Result<ExitCode> {
    let (engine, mut events) = Engine::new(
        backend.client.clone(),
        backend.store.clone(),
        EngineOptions {
            download,
            settle_after,
            ..EngineOptions::default()
        },
    );
    let report = engine.resume_unfinished();
    // Jobs whose submit's answer was lost: settled from fal's records.
    let checks = engine.check_unsettled();
    list_maybe_submitted(&backend, &checks.resumed);
    // Completed jobs whose download failed (`--no-download` ones stay as they are); the
    // engine fetches none when downloads are off.
    let refetch = engine.fetch_missing_videos();
    for problem in &report.problems {
        eprintln!("warning: {}", crate::text::sanitize(&problem.to_string()));
    }
    for id in report.busy.iter().chain(&checks.busy).chain(&refetch.busy) {
        eprintln!("job {id} is being followed by another i2v process; leaving it to that one");
    }
    let mut ids = report.resumed;
    if ids.is_empty() && checks.resumed.is_empty() && refetch.resumed.is_empty() {
        eprintln!("nothing to resume");
        return Ok(ExitCode::SUCCESS);
    }
    if !ids.is_empty() {
        eprintln!("resuming {} job{}", ids.len(), plural(ids.len()));
    }
    if !checks.resumed.is_empty() {
        eprintln!(
            "checking fal's records for {} job{} whose submit's answer was lost",
            checks.resumed.len(),
            plural(checks.resumed.len())
        );
    }
    if !refetch.resumed.is_empty() {
        eprintln!(
            "fetching the video of {} completed job{} again (their download failed)",
            refetch.resumed.len(),
            plural(refetch.resumed.len())
        );
    }
    ids.extend(checks.resumed);
    ids.extend(refetch.resumed);
    let mut reporter = Reporter::new(ids.len() > 1);
    match follow(&engine, &mut events, &mut reporter, ids.len(), None).await {
        Followed::Stopped(why, _) => {
            eprintln!(
                "{}: unfinished jobs are saved; run `i2v resume` again",
                why.describe()
            );
            Ok(why.exit_code())
        }
        Followed::Done(records) => {
            for record in &records {
                print_result(record, json)?;
            }
            Ok(exit_code_on_disk(&backend.store, &records))
        }
    }
}

/// How following jobs ended.
pub(super) enum Followed {
    /// Every job reached a terminal state.
    Done(Vec<JobRecord>),
    /// Stopped early, with every job saved (resumable if fal had accepted it); the jobs that
    /// had finished before.
    Stopped(Stop, Vec<JobRecord>),
}

pub(super) enum Stop {
    /// Ctrl-C, SIGTERM or SIGHUP.
    Signal,
    /// `--timeout` ran out.
    TimedOut(Duration),
}

impl Stop {
    pub(super) fn describe(&self) -> String {
        match self {
            Stop::Signal => "interrupted".into(),
            Stop::TimedOut(limit) => format!("timed out after {}", human_duration(*limit)),
        }
    }

    pub(super) fn exit_code(&self) -> ExitCode {
        match self {
            Stop::Signal => ExitCode::from(INTERRUPTED),
            Stop::TimedOut(_) => ExitCode::from(TIMED_OUT),
        }
    }
}

fn human_duration(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0 => format!("{}ms", d.as_millis()),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// Reports events until `count` jobs finished, a stop signal came or `timeout` ran out; when
/// stopped, the engine shuts down first, saving every job so it can be resumed.
pub(super) async fn follow(
    engine: &Engine,
    events: &mut mpsc::UnboundedReceiver<JobEvent>,
    reporter: &mut Reporter,
    count: usize,
    timeout: Option<Duration>,
) -> Followed {
    let mut done = Vec::new();
    let stop = crate::signals::stop_requested();
    tokio::pin!(stop);
    let deadline = async {
        match timeout {
            Some(limit) => tokio::time::sleep(limit).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(deadline);
    while done.len() < count {
        let why = tokio::select! {
            _ = &mut stop => Stop::Signal,
            _ = &mut deadline => Stop::TimedOut(timeout.unwrap_or_default()),
            event = events.recv() => match event {
                Some(event) => {
                    done.extend(reporter.handle(&event));
                    continue;
                }
                None => break,
            },
        };
        engine.shutdown().await;
        // Events sent while shutting down still describe the jobs (a final save, say).
        while let Ok(event) = events.try_recv() {
            reporter.handle(&event);
        }
        return Followed::Stopped(why, done);
    }
    // Every job has ended, but a run whose record could not be saved goes on trying for a
    // while: wait for it, reporting what it says, unless told to stop.
    let idle = engine.wait_idle();
    tokio::pin!(idle);
    loop {
        tokio::select! {
            _ = &mut idle => break,
            _ = &mut stop => {
                engine.shutdown().await;
                break;
            }
            Some(event) = events.recv() => {
                reporter.handle(&event);
            }
        }
    }
    while let Ok(event) = events.try_recv() {
        reporter.handle(&event);
    }
    Followed::Done(done)
}

/// [`exit_code`], unless a job fal has ended with its record on disk behind (the engine
/// said so, and how to get it back, as it gave up saving).
fn exit_code_on_disk(store: &Store, records: &[JobRecord]) -> ExitCode {
    let behind = |record: &JobRecord| {
        record.request.is_some()
            && store
                .load(&record.id)
                .map_or(true, |on_disk| on_disk.state != record.state)
    };
    if records.iter().any(behind) {
        return ExitCode::from(UNSAVED);
    }
    exit_code(records)
}

pub(super) fn exit_code(records: &[JobRecord]) -> ExitCode {
    if records.iter().any(|r| r.state == JobState::MaybeSubmitted) {
        return ExitCode::from(MAYBE_SUBMITTED);
    }
    let succeeded = |r: &JobRecord| r.state == JobState::Completed && r.error.is_none();
    let needs_user = |r: &JobRecord| {
        r.error.as_ref().is_some_and(|e| {
            e.kind.is_bad_input_or_setup()
                || crate::fal_error_types::is_the_inputs_fault(e.kind.as_str())
        })
    };
    if records.iter().all(succeeded) {
        ExitCode::SUCCESS
    } else if records.iter().filter(|r| !succeeded(r)).all(needs_user) {
        ExitCode::from(BAD_INPUT_OR_SETUP)
    } else {
        ExitCode::from(JOB_FAILED)
    }
}

/// The result on stdout (URL and file, or the JSON record); problems on stderr either way.
pub(super) fn print_result(record: &JobRecord, json: bool) -> anyhow::Result<()> {
    let completed = record.state == JobState::Completed;
    // Everything here came from fal or a history file: nothing reaches the terminal raw.
    if json {
        print_line(escape_json_controls(&serde_json::to_string(record)?));
    } else if let (true, Some(result)) = (completed, &record.result) {
        print_line(printable_url(&result.url));
        if let Some(file) = &result.local_file {
            print_line(sanitize(&file.display().to_string()));
        }
    }
    let problem = record
        .error
        .as_ref()
        .map(|e| crate::text::sanitize_lines(&e.message).join("\n"));
    match (completed, problem) {
        (true, Some(problem)) => eprintln!("warning: {problem}"),
        (true, None) => {}
        (false, problem) => eprintln!(
            "job {} {}: {}",
            record.id,
            record.state.label(),
            problem.unwrap_or_else(|| record.state.label().to_owned())
        ),
    }
    Ok(())
}

/// The image to send, and the job it continues when it is that job's last frame.
fn first_frame(store: &Store, args: &SubmitArgs) -> anyhow::Result<(String, Option<JobId>)> {
    match (&args.image, &args.from_last_frame) {
        (_, Some(id)) => {
            let previous = store.find(id)?;
            let path = crate::frames::save_frame(store, &previous, Position::Last, None)?;
            eprintln!(
                "continuing job {} from its last frame, saved as {}",
                previous.id,
                path.display()
            );
            let image = path
                .to_str()
                .with_context(|| format!("the data dir path is not UTF-8: {}", path.display()))?
                .to_owned();
            Ok((image, Some(previous.id)))
        }
        (Some(image), None) => Ok((image.clone(), None)),
        (None, None) => bail!("give --image PATH|URL or --from-last-frame ID"),
    }
}

/// Refuses an image the model's documented limits rule out, naming the limit, unless
/// `no_check`. A URL is looked at over HTTP; when that cannot be done it passes, with a note.
async fn check_image(image: &str, no_check: bool) -> anyhow::Result<()> {
    const OVERRIDE: &str = "--no-check sends it anyway";
    let image = image_source::inspect(image)?;
    if no_check {
        return Ok(());
    }
    match &image {
        ImageRef::File(local) => local
            .check_limits()
            .map_err(|e| anyhow::anyhow!("{e} ({OVERRIDE})")),
        ImageRef::Url(url) if image_source::is_data_url(url) => {
            Ok(image_source::check_data_url(url)
                .map_err(|e| anyhow::anyhow!("{e} ({OVERRIDE})"))?)
        }
        ImageRef::Url(url) => match remote_image::look(url).await {
            RemoteImage::Unchecked(why) => {
                eprintln!(
                    "note: could not check the image URL ({}); sending it as is",
                    crate::text::sanitize(&why)
                );
                Ok(())
            }
            seen => seen.check_limits().map_err(|violation| {
                anyhow::anyhow!("{}: {violation} ({OVERRIDE})", crate::text::sanitize(url))
            }),
        },
    }
}

/// The longest prompt file read: the model documents 2,000 characters.
const MAX_PROMPT_FILE_BYTES: u64 = 1 << 20;

fn read_prompt(args: &SubmitArgs) -> anyhow::Result<String> {
    let prompt = match (&args.prompt, &args.prompt_file) {
        (Some(text), _) => text.clone(),
        (None, Some(path)) if path.as_os_str() == "-" => {
            let mut text = String::new();
            std::io::stdin()
                .take(MAX_PROMPT_FILE_BYTES + 1)
                .read_to_string(&mut text)
                .context("could not read the prompt from stdin")?;
            if text.len() as u64 > MAX_PROMPT_FILE_BYTES {
                bail!(
                    "the prompt on stdin is larger than {} MB, more than a prompt ever holds",
                    MAX_PROMPT_FILE_BYTES >> 20
                );
            }
            text
        }
        (None, Some(path)) => {
            match crate::local_file::read_text_capped(path, MAX_PROMPT_FILE_BYTES, "a prompt") {
                Ok(text) => text,
                Err(err @ crate::local_file::ReadError::NotAFile) => bail!(
                    "could not read the prompt file {}: {err} (a pipe goes on stdin: \
                     --prompt-file -)",
                    path.display()
                ),
                Err(err) => {
                    bail!("could not read the prompt file {}: {err}", path.display())
                }
            }
        }
        (None, None) => bail!("give --prompt TEXT or --prompt-file FILE"),
    };
    if prompt.trim().is_empty() {
        bail!("the prompt is empty: describe the motion you want");
    }
    Ok(prompt.trim_end().to_owned())
}
