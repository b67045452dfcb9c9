//! The command line: parses arguments, resolves settings and runs one command. Errors end
//! here as one clear line on stderr and exit code 2.

mod args;
mod confirm;
mod dates;
mod docs;
mod film;
mod frame;
mod history;
mod history_check;
mod history_export;
mod history_filter;
mod history_import;
mod history_remove;
mod output;
mod paths;
mod rate;
mod report;
mod stats;
mod stream;
mod submit;
mod workbench;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

pub use args::{
    Cli, Command, FakeFalArgs, FilmArgs, FrameArgs, HistoryCommand, RateArgs, SubmitArgs,
    WorkbenchArgs,
};

use crate::config::{Settings, process_env};
use crate::setup::{self, Backend};

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // Before anything is written: past `ulimit -f`, a write fails instead of killing i2v.
    crate::signals::survive_file_size_limit();
    let demo = cli.demo();
    match cli.command {
        // These need no settings: they must work even with a broken config file.
        Some(Command::FakeFal(args)) => fake_fal(args).await,
        Some(Command::Completions { shell }) => docs::completions(shell),
        Some(Command::Man { page }) => docs::man(&page),
        Some(Command::Paths { .. }) => paths::print(&process_env, demo),
        Some(Command::History(args::HistoryArgs {
            command: HistoryCommand::Check { id, json },
            ..
        })) => {
            let (settings, data_dir) = load(demo)?;
            let _log = crate::logging::init(&data_dir);
            let backend = backend(&settings, demo).await?;
            history_check::check(backend, &id, json, &settings).await
        }
        Some(Command::History(args::HistoryArgs {
            command: HistoryCommand::Import {
                since, no_download, ..
            },
            ..
        })) => {
            let (settings, data_dir) = load(demo)?;
            let _log = crate::logging::init(&data_dir);
            let backend = backend(&settings, demo).await?;
            history_import::import(backend, since, no_download, &settings).await
        }
        Some(Command::History(history)) => history_command(history.command, demo),
        Some(Command::Rate(args)) => {
            let (_, data_dir) = load(demo)?;
            let _log = crate::logging::init(&data_dir);
            rate::rate(&setup::open_store(&data_dir)?, &args)
        }
        Some(Command::Frame(args)) => {
            let (_, data_dir) = load(demo)?;
            let _log = crate::logging::init(&data_dir);
            frame::frame(&setup::open_store(&data_dir)?, args)
        }
        Some(Command::Film(args)) => {
            let (settings, data_dir) = load(demo)?;
            let _log = crate::logging::init(&data_dir);
            let store = setup::open_store(&data_dir)?;
            film::film(&store, args, || backend(&settings, demo)).await
        }
        Some(Command::Submit(args)) => {
            let (settings, data_dir) = load(demo)?;
            let _log = crate::logging::init(&data_dir);
            let backend = backend(&settings, demo).await?;
            let options = submit::SubmitOptions {
                download: settings.download,
                fal_options: args.fal.over(settings.file.fal.options()),
                price_configured: settings.price_configured(),
                max_jobs: settings.max_jobs_per_submit,
                config_path: settings.config_path.clone(),
                settle_after: settings.settle_after,
                budget: settings.file.budget,
            };
            submit::submit(backend, args, options).await
        }
        Some(Command::Resume { json, .. }) => {
            let (settings, data_dir) = load(demo)?;
            let _log = crate::logging::init(&data_dir);
            let download = settings.download;
            let backend = backend(&settings, demo).await?;
            submit::resume(backend, json, download, settings.settle_after).await
        }
        Some(Command::Cancel { id, .. }) => {
            let (settings, data_dir) = load(demo)?;
            let _log = crate::logging::init(&data_dir);
            let backend = backend(&settings, demo).await?;
            history::cancel(&backend.client, &backend.store, &id).await
        }
        None => {
            let (settings, data_dir) = load(demo)?;
            let _log = crate::logging::init(&data_dir);
            workbench::workbench(settings, demo, cli.workbench).await
        }
    }
}

fn history_command(command: HistoryCommand, demo: bool) -> anyhow::Result<ExitCode> {
    let (settings, data_dir) = load(demo)?;
    // Looking at the history creates nothing: no log, no directories (only the index, a
    // cache, inside a history that exists). Removing jobs writes and logs.
    let looking = || i2v_store::Store::open_read_only(&data_dir);
    match command {
        HistoryCommand::List { filter, json, full } => {
            history::list(&looking(), filter, json, full)
        }
        HistoryCommand::Show { id, json } => history::show(&looking(), &id, json),
        // Needs fal: run from `run`.
        HistoryCommand::Check { .. } | HistoryCommand::Import { .. } => Ok(ExitCode::from(2)),
        HistoryCommand::Stats { since, json } => {
            let price =
                crate::pricing::known(settings.price_configured(), &data_dir, i2v_fal::MODEL_ID);
            stats::stats(&looking(), since, json, &price)
        }
        HistoryCommand::Export {
            format,
            out,
            filter,
        } => history_export::export(&looking(), format, out.as_deref(), filter),
        HistoryCommand::Rm { ids, purge } => {
            let _log = crate::logging::init(&data_dir);
            history_remove::rm(&setup::open_store(&data_dir)?, &ids, purge)
        }
        HistoryCommand::Prune {
            older_than,
            status,
            yes,
            dry_run,
            purge,
        } => {
            let _log = crate::logging::init(&data_dir);
            let args = history_remove::PruneArgs {
                older_than,
                status,
                yes,
                dry_run,
                purge,
            };
            history_remove::prune(&setup::open_store(&data_dir)?, args)
        }
    }
}

/// Settings, and the data dir this run uses (demo runs keep theirs apart).
fn load(demo: bool) -> anyhow::Result<(Settings, PathBuf)> {
    let settings = Settings::load(&process_env)?;
    let data_dir = if demo {
        setup::demo_data_dir(&settings.data_dir)
    } else {
        settings.data_dir.clone()
    };
    Ok((settings, data_dir))
}

async fn backend(settings: &Settings, demo: bool) -> anyhow::Result<Backend> {
    if demo {
        Backend::demo(settings).await
    } else {
        Backend::real(settings, settings.api_key(&process_env)?)
    }
}

async fn fake_fal(args: FakeFalArgs) -> anyhow::Result<ExitCode> {
    let config = i2v_sim::SimConfig {
        queue_time: Duration::from_millis(args.queue_ms),
        run_time: Duration::from_millis(args.run_ms),
        log_interval: Duration::from_millis(args.log_ms),
        list_lag: Duration::from_millis(args.list_lag_ms),
        accepted_key: args.key,
        hostile_logs: args.hostile_logs,
        ..i2v_sim::SimConfig::default()
    };
    i2v_sim::run_cli(args.port, config, args.faults).await?;
    Ok(ExitCode::SUCCESS)
}
