//! Builds what every command needs from settings: the fal client (real, or the in-process
//! simulated fal in demo mode) and the history store.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use i2v_fal::{ApiKey, ClientConfig, FalClient};
use i2v_sim::{SimConfig, SimServer};
use i2v_store::Store;

use crate::config::Settings;

/// Where jobs go and who runs them.
pub struct Backend {
    pub client: FalClient,
    pub store: Store,
    /// Kept alive for as long as the backend: dropping it stops the simulated fal.
    #[expect(
        dead_code,
        reason = "held, never read: its drop stops the simulated fal"
    )]
    pub sim: Option<SimServer>,
}

/// What `i2v film` fetches videos through.
impl std::borrow::Borrow<FalClient> for Backend {
    fn borrow(&self) -> &FalClient {
        &self.client
    }
}

impl Backend {
    /// Real fal with the user's key.
    pub fn real(settings: &Settings, key: ApiKey) -> anyhow::Result<Self> {
        settings.check_urls(&crate::config::process_env)?;
        let mut config = ClientConfig::new(key)
            .with_base_urls(&settings.queue_url, &settings.rest_url)
            .with_api_url(&settings.api_url);
        config.download.max_bytes = settings.max_download_bytes;
        Ok(Self {
            client: FalClient::new(config)?,
            store: open_store(&settings.data_dir)?,
            sim: None,
        })
    }

    /// The simulated fal, in this process, with its own history beside the real one so demo
    /// jobs never mix with real ones.
    pub async fn demo(settings: &Settings) -> anyhow::Result<Self> {
        let sim = SimServer::start(demo_sim_config())
            .await
            .context("could not start the simulated fal")?;
        made_elsewhere_for_the_demo(&sim);
        let base = sim.base_url();
        let config = ClientConfig::new(ApiKey::new("demo-key"))
            .with_base_urls(&base, &base)
            .with_api_url(&sim.api_url());
        let store = open_store(&demo_data_dir(&settings.data_dir))?;
        close_orphaned_demo_jobs(&store);
        Ok(Self {
            client: FalClient::new(config)?,
            store,
            sim: Some(sim),
        })
    }
}

/// Jobs a previous demo left unfinished lived on a simulated fal that ended with that
/// process: nothing can resume them, so they are closed with a message that says so (and `r`
/// re-runs them) instead of failing later with a puzzling 404.
fn close_orphaned_demo_jobs(store: &Store) {
    for record in store.unfinished().records {
        // A job another live demo process is running is not an orphan.
        let Ok(Some(_claim)) = store.claim(&record.id) else {
            continue;
        };
        let closed = store.update(&record.id, |job| {
            job.error = Some(i2v_store::JobError::new(
                i2v_store::ErrorKind::Demo,
                "left unfinished by an earlier demo session, whose simulated fal is gone; re-run it with r",
            ));
            // Unfinished, so failing is always a change it may make.
            let _ = job.set_state(i2v_store::JobState::Failed);
        });
        if let Err(err) = closed {
            tracing::warn!(job = %record.id, error = %err, "could not close an old demo job");
        }
    }
}

/// A few jobs "made elsewhere" (fal's playground, another machine) in the demo fal's records,
/// so that the history's `I` (import from fal's records) has something to bring in. Their
/// image is served by the simulated fal itself, so a re-run of one works offline too.
fn made_elsewhere_for_the_demo(sim: &SimServer) {
    let mut png = Vec::new();
    // A dusk-coloured gradient, inside the model's limits (300 px or more, 3:2).
    let image = image::RgbImage::from_fn(480, 320, |x, y| {
        let across = u8::try_from(x * 255 / 480).unwrap_or(u8::MAX);
        let down = u8::try_from(y * 255 / 320).unwrap_or(u8::MAX);
        image::Rgb([across / 2 + 60, 40 + down / 3, 150 - down / 3])
    });
    if let Err(err) = image.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png) {
        tracing::warn!(error = %err, "no demo jobs made elsewhere: the image could not be made");
        return;
    }
    let url = sim.store_file("image/png", "playground.png", png);
    let hour = Duration::from_secs(3600);
    let made = [
        (
            "A heron lifts off a misty lake at dawn, slow pan right",
            3 * hour,
        ),
        (
            "Paper lanterns drift over a night market, handheld",
            26 * hour,
        ),
    ];
    for (prompt, age) in made {
        let input = serde_json::json!({
            "prompt": prompt,
            "image_url": url,
            "prompt_optimizer": true,
        });
        sim.made_elsewhere(i2v_fal::MODEL_ID, Some(input), age);
    }
}

/// Slow enough to watch, quick enough not to bore: a few seconds in the queue, a few of logs.
fn demo_sim_config() -> SimConfig {
    let ms = |var: &str, default: u64| {
        std::env::var(var)
            .ok()
            .and_then(|v| v.parse().ok())
            .map(Duration::from_millis)
            .unwrap_or(Duration::from_millis(default))
    };
    SimConfig {
        queue_time: ms("I2V_DEMO_QUEUE_MS", 1500),
        run_time: ms("I2V_DEMO_RUN_MS", 6000),
        log_interval: ms("I2V_DEMO_LOG_MS", 500),
        runners: 2,
        ..SimConfig::default()
    }
}

pub fn demo_data_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("demo")
}

pub fn open_store(dir: &Path) -> anyhow::Result<Store> {
    // The store's error names the path and the cause already; as a context chain the cause
    // would be printed a second time.
    Store::open(dir).map_err(|err| anyhow::anyhow!("could not open the history: {err}"))
}
