//! The command line: parses arguments, resolves settings and runs one command. Errors end
//! here as one clear line on stderr and exit code 2.

mod args;
mod frame;
mod history;
mod output;
mod report;
mod submit;

use std::process::ExitCode;
use std::time::Duration;

pub use args::{Cli, Command, FakeFalArgs, FrameArgs, HistoryCommand, SubmitArgs, WorkbenchArgs};

use crate::config::{Settings, process_env};
use crate::setup::{self, Backend};

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if let Some(Command::FakeFal(args)) = cli.command {
        // Needs no settings: it must start even with a broken config.
        return fake_fal(args).await;
    }
    let settings = Settings::load(&process_env)?;
    let data_dir = if cli.demo {
        setup::demo_data_dir(&settings.data_dir)
    } else {
        settings.data_dir.clone()
    };
    let _log_guard = setup::init_logging(&data_dir);
    let download = settings.download;
    match cli.command {
        None => crate::ui::run::workbench(settings, cli.demo, cli.workbench).await,
        Some(Command::History(HistoryCommand::List { json })) => {
            history::list(&setup::open_store(&data_dir)?, json)
        }
        Some(Command::History(HistoryCommand::Show { id, json })) => {
            history::show(&setup::open_store(&data_dir)?, &id, json)
        }
        Some(Command::Frame(args)) => frame::frame(&setup::open_store(&data_dir)?, args),
        Some(Command::Submit(args)) => {
            submit::submit(backend(&settings, cli.demo).await?, args, download).await
        }
        Some(Command::Resume { json }) => {
            submit::resume(backend(&settings, cli.demo).await?, json, download).await
        }
        Some(Command::Cancel { id }) => {
            let backend = backend(&settings, cli.demo).await?;
            history::cancel(&backend.client, &backend.store, &id).await
        }
        Some(Command::FakeFal(args)) => fake_fal(args).await,
    }
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
