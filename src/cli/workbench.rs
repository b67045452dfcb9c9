//! The workbench command: builds what the UI needs from the settings (theme, key map, fal
//! backend, history store, job engine, saved draft) and hands it over as plain options.

use std::process::ExitCode;

use crate::cli::WorkbenchArgs;
use crate::config::{Settings, process_env};
use crate::jobs::{Engine, EngineOptions};
use crate::setup::{self, Backend};
use crate::ui::event_loop::{Closed, Options};

use crate::ui::runtime::{Jobs, Runtime, recover_draft};
use crate::ui::{AppOptions, KeyMap, Theme, UiConfig, Unfinished};

/// Runs the workbench in the real terminal.
pub async fn workbench(
    settings: Settings,
    demo: bool,
    args: WorkbenchArgs,
) -> anyhow::Result<ExitCode> {
    let mut warnings = Vec::new();
    let ui_config: UiConfig = match settings.file.ui.clone().map(toml::Table::try_into) {
        None => UiConfig::default(),
        Some(Ok(config)) => config,
        Some(Err(err)) => {
            warnings.push(format!(
                "[ui] in {} ignored: {}",
                settings.config_path.display(),
                err.message()
            ));
            UiConfig::default()
        }
    };
    let theme = if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        Theme::no_color()
    } else {
        let name = args
            .theme
            .clone()
            .or_else(|| ui_config.theme.clone())
            .unwrap_or_else(|| "dark".into());
        let (theme, warning) = Theme::load(&name, Some(&settings.config_dir.join("themes")));
        warnings.extend(warning);
        theme
    };
    let (keys, key_warnings) = KeyMap::from_config(&ui_config.keys);
    warnings.extend(key_warnings);

    let (backend, banner) = if demo {
        let backend = Backend::demo(&settings).await?;
        let banner = "DEMO · simulated fal in this process: no key, no network, no cost";
        (Ok(backend), Some(banner.to_owned()))
    } else {
        match settings.api_key(&process_env) {
            Ok(key) => (Ok(Backend::real(&settings, key)?), None),
            // The banner must fit one line; the full message (with the config path) shows
            // when the user tries to submit.
            Err(err) => (
                Err(err.to_string()),
                Some("No fal API key: set FAL_KEY, or try --demo · Ctrl-S says more".to_owned()),
            ),
        }
    };
    let cannot_submit = backend.as_ref().err().cloned();
    // What is known here: fal's price as `submit` last remembered it (the workbench never
    // waits on the network to start).
    let price = crate::pricing::known(
        settings.price_configured(),
        &match &backend {
            Ok(backend) => backend.store.root().to_owned(),
            Err(_) => settings.data_dir.clone(),
        },
        i2v_fal::MODEL_ID,
    );
    let (jobs, store) = match &backend {
        Ok(backend) => {
            let (engine, events) = Engine::new(
                backend.client.clone(),
                backend.store.clone(),
                EngineOptions {
                    download: settings.download,
                    fal_options: settings.file.fal.options(),
                    settle_after: settings.settle_after,
                },
            );
            engine.set_price_per_video(price.usd);
            (Jobs::Engine { engine, events }, backend.store.clone())
        }
        Err(reason) => (
            Jobs::Unavailable {
                reason: reason.clone(),
            },
            setup::open_store(&settings.data_dir)?,
        ),
    };
    let mut runtime = Runtime::new(jobs, store, ui_config.notify);
    runtime.max_thumbs_bytes = settings.max_thumbs_bytes;
    if let Some(opener) = settings
        .file
        .opener
        .clone()
        .filter(|o| !o.trim().is_empty())
    {
        runtime.opener = opener;
    }
    let (draft, draft_warning) = recover_draft(&runtime.draft_path());
    warnings.extend(draft_warning);
    let app = AppOptions {
        prompt: args.prompt,
        image: args.image,
        draft,
        theme,
        keys,
        banner,
        notify: ui_config.notify,
        remote: std::env::var_os("SSH_CONNECTION").is_some_and(|v| !v.is_empty()),
        pricing: crate::ui::Pricing {
            price_per_video: price.usd,
            max_jobs_per_submit: settings.max_jobs_per_submit,
            budget: settings.file.budget,
        },
        // Known once the first frame is up (`Options::preview`).
        graphics: crate::preview::Graphics::Off,
        cannot_submit,
        demo,
    };
    let closed = crate::ui::event_loop::start(Options {
        app,
        runtime,
        mouse: ui_config.mouse,
        preview: ui_config.preview,
        keyboard: ui_config.keyboard,
        data_dir: settings.data_dir.clone(),
        warnings,
    })
    .await;
    // The simulated fal of a demo lives until the workbench has shut down.
    drop(backend);
    let Closed { ending, unfinished } = closed?;
    for line in farewell(&unfinished, demo) {
        eprintln!("{line}");
    }
    ending?;
    Ok(ExitCode::SUCCESS)
}

/// What happens to the jobs still running when the workbench closes: said on the restored
/// terminal, since quitting is not cancelling and the user may wonder whether they still pay.
fn farewell(unfinished: &Unfinished, demo: bool) -> Vec<String> {
    let jobs = |n: usize| {
        if n == 1 {
            "1 job".to_owned()
        } else {
            format!("{n} jobs")
        }
    };
    let all = unfinished.at_fal + unfinished.being_sent + unfinished.not_sent;
    if demo {
        if all == 0 {
            return Vec::new();
        }
        return vec![format!(
            "i2v: {} of this demo ended with it: the simulated fal ran inside this process",
            jobs(all)
        )];
    }
    let mut lines = Vec::new();
    if unfinished.at_fal > 0 {
        lines.push(format!(
            "i2v: {} still running on fal: they go on there and are followed again at the \
             next start (or `i2v resume`)",
            jobs(unfinished.at_fal)
        ));
    }
    if unfinished.being_sent > 0 {
        lines.push(format!(
            "i2v: {} being submitted when i2v stopped: fal may have them (maybe sent); \
             check before running them again",
            jobs(unfinished.being_sent)
        ));
    }
    if unfinished.not_sent > 0 {
        lines.push(format!(
            "i2v: {} stopped before being sent to fal (the image was being checked or \
             uploaded): nothing reached fal, nothing is billed; r runs them again",
            jobs(unfinished.not_sent)
        ));
    }
    lines
}
