//! The command line: parses arguments, resolves settings and runs one command. Errors end
//! here as one clear line on stderr and exit code 2.

mod args;
mod confirm;
mod dates;
mod docs;
mod frame;
mod history;
mod output;
mod paths;
mod rate;
mod report;
mod stats;
mod submit;
mod workbench;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

pub use args::{
    Cli, Command, FakeFalArgs, FrameArgs, HistoryCommand, RateArgs, SubmitArgs, WorkbenchArgs,
};

use crate::config::{Settings, process_env};
use crate::setup::{self, Backend};

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let demo = cli.demo;
    match cli.command {
        // These need no settings: they must work even with a broken config file.
        Some(Command::FakeFal(args)) => fake_fal(args).await,
        Some(Command::Completions { shell }) => docs::completions(shell),
        Some(Command::Man) => docs::man(),
        Some(Command::Paths) => paths::print(&process_env, demo),
        // Looking at the history creates nothing: no log, no directories.
        Some(Command::History(command)) => {
            let (settings, data_dir) = load(demo)?;
            let store = i2v_store::Store::open_read_only(&data_dir);
            match command {
                HistoryCommand::List { json } => history::list(&store, json),
                HistoryCommand::Show { id, json } => history::show(&store, &id, json),
                HistoryCommand::Stats { since, json } => {
                    stats::stats(&store, since, json, settings.price_per_video)
                }
            }
        }
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
        Some(Command::Submit(args)) => {
            let (settings, data_dir) = load(demo)?;
            let _log = crate::logging::init(&data_dir);
            let options = submit::SubmitOptions {
                download: settings.download,
                fal_options: args.fal.over(settings.file.fal.options()),
                price_per_video: settings.price_per_video,
                max_jobs: settings.max_jobs_per_submit,
                config_path: settings.config_path.clone(),
            };
            submit::submit(backend(&settings, demo).await?, args, options).await
        }
        Some(Command::Resume { json }) => {
            let (settings, data_dir) = load(demo)?;
            let _log = crate::logging::init(&data_dir);
            let download = settings.download;
            submit::resume(backend(&settings, demo).await?, json, download).await
        }
        Some(Command::Cancel { id }) => {
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
        accepted_key: args.key,
        hostile_logs: args.hostile_logs,
        ..i2v_sim::SimConfig::default()
    };
    i2v_sim::run_cli(args.port, config, args.faults).await?;
    Ok(ExitCode::SUCCESS)
}
