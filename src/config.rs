//! Where i2v keeps things and how it reaches fal: the config file, environment overrides and
//! the API key. Environment lookups go through a function so tests never touch the real
//! environment.

use std::path::{Path, PathBuf};

use i2v_fal::{
    ApiKey, DEFAULT_API_URL, DEFAULT_MAX_DOWNLOAD_BYTES, DEFAULT_QUEUE_URL, DEFAULT_REST_URL,
};
use serde::Deserialize;
use thiserror::Error;

/// The config file, `config.toml` in the config dir (or `$I2V_CONFIG`).
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// fal API key; only honoured when the file is readable by its owner alone.
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub queue_url: Option<String>,
    #[serde(default)]
    pub rest_url: Option<String>,
    /// fal's Platform API (request records, prices), `https://api.fal.ai/v1` by default.
    #[serde(default)]
    pub api_url: Option<String>,
    /// Download result videos into the data dir (default true).
    #[serde(default)]
    pub download: Option<bool>,
    /// Command that opens a downloaded video (`o`), e.g. `"mpv"`; the path is appended.
    #[serde(default)]
    pub opener: Option<String>,
    /// The largest result video downloaded, in MB (default 2048); a larger one is left on fal
    /// with its URL kept.
    #[serde(default)]
    pub max_download_mb: Option<u64>,
    /// What one video costs, in USD (default 0.33, fal's listed price for this model);
    /// recorded with each job when it is submitted, and the base of every cost shown.
    #[serde(default)]
    pub price_per_video: Option<f64>,
    /// The most jobs one submit may send (a prompt matrix times its repeats; default 50).
    #[serde(default)]
    pub max_jobs_per_submit: Option<u64>,
    /// What the cached frame strips (`thumbs/`) may hold, in MB (default 500); past it the
    /// strips used least lately go. 0 keeps none.
    #[serde(default)]
    pub max_thumbs_mb: Option<u64>,
    /// The workbench's own settings (theme, keys, notifications), read by the UI.
    #[serde(default)]
    pub ui: Option<toml::Table>,
    /// fal's optional request headers for every job (`i2v submit` flags override them).
    #[serde(default)]
    pub fal: FalConfig,
    /// Caps on what today and one session may cost (none by default).
    #[serde(default)]
    pub budget: crate::budget::Budget,
}

/// `[fal]`: fal's optional request headers, all off unless set.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FalConfig {
    /// Seconds fal waits for a runner to start a job (`X-Fal-Request-Timeout`).
    pub start_timeout: Option<u64>,
    /// `X-Fal-Queue-Priority`; `low` waits behind every normal request on the endpoint.
    pub priority: Option<QueuePriority>,
    /// Seconds fal keeps the output video (`X-Fal-Object-Lifecycle-Preference`).
    pub output_expiry: Option<u64>,
    /// Seconds fal keeps the uploaded image (`X-Fal-Object-Lifecycle`).
    pub input_expiry: Option<u64>,
    /// `false`: fal does not keep the request's JSON payloads (`X-Fal-Store-IO: 0`).
    pub store_io: Option<bool>,
    /// `false`: no silent reroute to an equivalent endpoint (`x-fal-disable-fallbacks`).
    pub fallbacks: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum QueuePriority {
    Normal,
    Low,
}

impl QueuePriority {
    pub fn name(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Low => "low",
        }
    }
}

/// Said whenever a job is sent with low priority.
pub const LOW_PRIORITY_WARNING: &str = "queue priority low: this job waits behind every \
    normal-priority request on the endpoint, which can take a long time";

impl FalConfig {
    /// As recorded with each job.
    pub fn options(&self) -> i2v_store::FalOptions {
        i2v_store::FalOptions {
            start_timeout_secs: self.start_timeout.filter(|&s| s > 0),
            priority: self.priority.map(|p| p.name().to_owned()),
            output_expiry_secs: self.output_expiry,
            input_expiry_secs: self.input_expiry,
            no_store_io: self.store_io == Some(false),
            disable_fallbacks: self.fallbacks == Some(false),
        }
    }
}

/// Written by hand so the key can never reach a log line through `{:?}`.
impl std::fmt::Debug for ConfigFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigFile")
            .field("key", &self.key.as_ref().map(|_| "<redacted>"))
            .field("queue_url", &self.queue_url)
            .field("rest_url", &self.rest_url)
            .field("api_url", &self.api_url)
            .field("download", &self.download)
            .field("opener", &self.opener)
            .field("max_download_mb", &self.max_download_mb)
            .field("price_per_video", &self.price_per_video)
            .field("max_jobs_per_submit", &self.max_jobs_per_submit)
            .field("max_thumbs_mb", &self.max_thumbs_mb)
            .field("ui", &self.ui)
            .field("fal", &self.fal)
            .field("budget", &self.budget)
            .finish()
    }
}

#[derive(Debug, Error)]
pub enum ConfigError {
    /// Why, in the OS's words or ours (not a regular file, too large): a message rather
    /// than an error source, so it is not printed twice in a chain.
    #[error("cannot read config file {}: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
    #[error("config file {} is not valid: {message}", path.display())]
    Parse { path: PathBuf, message: String },
    #[error(
        "no fal API key: set FAL_KEY (or FAL_KEY_ID and FAL_KEY_SECRET), or put key = \"…\" in {} (chmod 600); try `i2v --demo` to use the simulated fal",
        config_path.display()
    )]
    MissingKey { config_path: PathBuf },
    #[error(
        "config file {} holds a key but other users can read it: run `chmod 600 {}`",
        path.display(),
        path.display()
    )]
    KeyFileTooOpen { path: PathBuf },
    #[error("no home directory found: set I2V_DATA_DIR and I2V_CONFIG")]
    NoHome,
    #[error("{from} is not a URL i2v can send to: {why}")]
    BadUrl { from: String, why: String },
}

/// Everything resolved from flags, environment and file.
#[derive(Clone, Debug)]
pub struct Settings {
    pub config_path: PathBuf,
    /// Holds user themes (`themes/NAME.toml`).
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
    pub queue_url: String,
    pub rest_url: String,
    /// fal's Platform API: asked about lost submits, jobs made elsewhere and prices.
    pub api_url: String,
    pub download: bool,
    /// The largest result video downloaded, in bytes.
    pub max_download_bytes: u64,
    /// USD per video, as recorded with each new job.
    pub price_per_video: f64,
    /// The most jobs one submit may send.
    pub max_jobs_per_submit: u64,
    /// What the cached frame strips may hold, in bytes.
    pub max_thumbs_bytes: u64,
    /// How long after a lost submit fal's records must still show nothing of it before it
    /// counts as never made (`I2V_SETTLE_AFTER_MS`; 10 s, lowered only against the
    /// simulated fal, whose records lag less).
    pub settle_after: std::time::Duration,
    pub file: ConfigFile,
}

/// fal's listed price for one video of this model, in USD.
pub const DEFAULT_PRICE_PER_VIDEO: f64 = 0.33;
/// How long after a lost submit fal's records must still show nothing of it before it counts
/// as never made: their list lags a few seconds behind a submit.
pub const DEFAULT_SETTLE_AFTER: std::time::Duration = std::time::Duration::from_secs(10);
/// The most jobs one submit sends unless the config says otherwise.
pub const DEFAULT_MAX_JOBS_PER_SUBMIT: u64 = 50;

/// Where things live, resolved from the environment alone (no file read, nothing created).
#[derive(Clone, Debug)]
pub struct Paths {
    pub config_path: PathBuf,
    pub data_dir: PathBuf,
}

impl Paths {
    pub fn resolve(env: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let dirs = directories::ProjectDirs::from("ai", "fal", "i2v");
        let config_path = match env("I2V_CONFIG") {
            Some(path) => PathBuf::from(path),
            None => dirs
                .as_ref()
                .ok_or(ConfigError::NoHome)?
                .config_dir()
                .join("config.toml"),
        };
        let data_dir = match env("I2V_DATA_DIR") {
            Some(path) => PathBuf::from(path),
            None => dirs
                .as_ref()
                .ok_or(ConfigError::NoHome)?
                .data_dir()
                .to_owned(),
        };
        Ok(Self {
            config_path,
            data_dir,
        })
    }

    /// Holds user themes (`themes/NAME.toml`) beside the config file.
    pub fn config_dir(&self) -> PathBuf {
        self.config_path
            .parent()
            .map(Path::to_owned)
            .unwrap_or_default()
    }
}

impl Settings {
    /// Reads paths and the config file. A missing file is an empty config.
    pub fn load(env: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let paths = Paths::resolve(env)?;
        let config_dir = paths.config_dir();
        let Paths {
            config_path,
            data_dir,
        } = paths;
        let file = read_config(&config_path)?;
        let invalid = |message: &str| ConfigError::Parse {
            path: config_path.clone(),
            message: message.to_owned(),
        };
        let price_per_video = match file.price_per_video {
            None => DEFAULT_PRICE_PER_VIDEO,
            Some(price) if price.is_finite() && price >= 0.0 => price,
            Some(_) => return Err(invalid("price_per_video must be a price in USD, 0 or more")),
        };
        let max_jobs_per_submit = match file.max_jobs_per_submit {
            None => DEFAULT_MAX_JOBS_PER_SUBMIT,
            Some(0) => return Err(invalid("max_jobs_per_submit must be 1 or more")),
            Some(max) => max,
        };
        file.budget
            .validate()
            .map_err(|message| invalid(&message))?;
        let queue_url = env("I2V_QUEUE_URL")
            .or_else(|| file.queue_url.clone())
            .unwrap_or_else(|| DEFAULT_QUEUE_URL.to_owned());
        let rest_url = env("I2V_REST_URL")
            .or_else(|| file.rest_url.clone())
            .unwrap_or_else(|| DEFAULT_REST_URL.to_owned());
        let api_url = env("I2V_API_URL")
            .or_else(|| file.api_url.clone())
            .unwrap_or_else(|| DEFAULT_API_URL.to_owned());
        Ok(Self {
            config_path,
            config_dir,
            data_dir,
            queue_url,
            rest_url,
            api_url,
            download: file.download.unwrap_or(true),
            max_download_bytes: file
                .max_download_mb
                .map_or(DEFAULT_MAX_DOWNLOAD_BYTES, |mb| mb.saturating_mul(1 << 20)),
            price_per_video,
            max_jobs_per_submit,
            max_thumbs_bytes: file
                .max_thumbs_mb
                .map_or(i2v_video::DEFAULT_THUMBS_LIMIT, |mb| {
                    mb.saturating_mul(1 << 20)
                }),
            settle_after: env("I2V_SETTLE_AFTER_MS")
                .and_then(|ms| ms.trim().parse().ok())
                .map_or(DEFAULT_SETTLE_AFTER, std::time::Duration::from_millis),
            file,
        })
    }

    /// The price per video the config sets, if it does (it wins over fal's price list).
    pub fn price_configured(&self) -> Option<f64> {
        self.file.price_per_video.map(|_| self.price_per_video)
    }

    /// Checks the fal URLs in force are absolute http(s) URLs, naming where a bad one came
    /// from: an `I2V_QUEUE_URL=` left empty (or a typo) is refused before anything is sent,
    /// instead of failing every request with "relative URL without a base".
    pub fn check_urls(&self, env: &dyn Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        for (var, key, value) in [
            ("I2V_QUEUE_URL", "queue_url", &self.queue_url),
            ("I2V_REST_URL", "rest_url", &self.rest_url),
            ("I2V_API_URL", "api_url", &self.api_url),
        ] {
            let Err(why) = check_web_url(value) else {
                continue;
            };
            let from = if env(var).is_some() {
                var.to_owned()
            } else {
                format!("{key} in {}", self.config_path.display())
            };
            return Err(ConfigError::BadUrl { from, why });
        }
        Ok(())
    }

    /// The key: `FAL_KEY`, else `FAL_KEY_ID:FAL_KEY_SECRET`, else the config file's `key`.
    pub fn api_key(&self, env: &dyn Fn(&str) -> Option<String>) -> Result<ApiKey, ConfigError> {
        let non_empty = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        if let Some(key) = non_empty("FAL_KEY") {
            return Ok(ApiKey::new(key.trim()));
        }
        if let (Some(id), Some(secret)) = (non_empty("FAL_KEY_ID"), non_empty("FAL_KEY_SECRET")) {
            return Ok(ApiKey::new(format!("{}:{}", id.trim(), secret.trim())));
        }
        match &self.file.key {
            Some(key) if !key.trim().is_empty() => {
                if readable_by_others(&self.config_path) {
                    return Err(ConfigError::KeyFileTooOpen {
                        path: self.config_path.clone(),
                    });
                }
                Ok(ApiKey::new(key.trim()))
            }
            _ => Err(ConfigError::MissingKey {
                config_path: self.config_path.clone(),
            }),
        }
    }
}

/// A config is a few hundred bytes; a megabyte is none.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Why `value` is no base URL for fal's routes, if it is not.
fn check_web_url(value: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        return Err("it is empty (unset it to use fal's own)".into());
    }
    match url::Url::parse(value.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Ok(()),
        Ok(url) => Err(format!(
            "{:?} is not an http(s) URL (scheme {})",
            crate::text::sanitize(value),
            url.scheme()
        )),
        Err(err) => Err(format!(
            "{:?} does not parse ({err})",
            crate::text::sanitize(value)
        )),
    }
}

fn read_config(path: &Path) -> Result<ConfigFile, ConfigError> {
    let text = match crate::local_file::read_text_capped(path, MAX_CONFIG_BYTES, "a config file") {
        Ok(text) => text,
        Err(err) if err.is_not_found() => return Ok(ConfigFile::default()),
        Err(err) => {
            return Err(ConfigError::Read {
                path: path.to_owned(),
                reason: err.to_string(),
            });
        }
    };
    toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_owned(),
        message: e.message().to_owned(),
    })
}

#[cfg(unix)]
fn readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o077 != 0)
        .unwrap_or(true)
}

#[cfg(not(unix))]
fn readable_by_others(_path: &Path) -> bool {
    false
}

/// The process environment, for callers outside tests.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    struct Fixture {
        dir: tempfile::TempDir,
        vars: HashMap<&'static str, String>,
    }

    impl Fixture {
        fn new() -> Self {
            let dir = tempfile::tempdir().unwrap();
            let mut vars = HashMap::new();
            vars.insert(
                "I2V_CONFIG",
                dir.path().join("config.toml").display().to_string(),
            );
            vars.insert(
                "I2V_DATA_DIR",
                dir.path().join("data").display().to_string(),
            );
            Self { dir, vars }
        }

        fn config(&self, text: &str, mode: u32) {
            let path = self.dir.path().join("config.toml");
            std::fs::write(&path, text).unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            }
        }

        fn env(&self) -> impl Fn(&str) -> Option<String> + '_ {
            |name| self.vars.get(name).cloned()
        }

        fn key(&self) -> Result<String, ConfigError> {
            let env = self.env();
            let settings = Settings::load(&env)?;
            settings.api_key(&env).map(|k| k.expose().to_owned())
        }
    }

    #[test]
    fn env_key_wins_then_id_secret_then_file() {
        let mut f = Fixture::new();
        f.config("key = \"from-file\"\n", 0o600);
        assert_eq!(f.key().unwrap(), "from-file");
        f.vars.insert("FAL_KEY_ID", "id".into());
        f.vars.insert("FAL_KEY_SECRET", "secret".into());
        assert_eq!(f.key().unwrap(), "id:secret");
        f.vars.insert("FAL_KEY", "from-env".into());
        assert_eq!(f.key().unwrap(), "from-env");
    }

    #[test]
    fn debug_output_never_shows_the_key() {
        let f = Fixture::new();
        f.config("key = \"sk-very-secret\"\n", 0o600);
        let settings = Settings::load(&f.env()).unwrap();
        let shown = format!("{settings:?}");
        assert!(!shown.contains("sk-very-secret"), "{shown}");
        assert!(shown.contains("redacted"), "{shown}");
    }

    #[test]
    fn missing_key_names_fal_key() {
        let f = Fixture::new();
        let err = f.key().unwrap_err().to_string();
        assert!(err.contains("FAL_KEY"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn key_in_world_readable_file_is_refused() {
        let f = Fixture::new();
        f.config("key = \"secret\"\n", 0o644);
        let err = f.key().unwrap_err();
        assert!(matches!(err, ConfigError::KeyFileTooOpen { .. }));
        assert!(!err.to_string().contains("secret\""), "never echo the key");
    }

    #[test]
    fn base_urls_from_env_override_file() {
        let mut f = Fixture::new();
        f.config(
            "queue_url = \"http://file-queue\"\nrest_url = \"http://file-rest\"\n",
            0o600,
        );
        f.vars.insert("I2V_QUEUE_URL", "http://env-queue".into());
        let settings = Settings::load(&f.env()).unwrap();
        assert_eq!(settings.queue_url, "http://env-queue");
        assert_eq!(settings.rest_url, "http://file-rest");
    }

    #[test]
    fn the_platform_api_url_defaults_to_fals_and_can_be_moved() {
        let mut f = Fixture::new();
        let settings = Settings::load(&f.env()).unwrap();
        assert_eq!(settings.api_url, "https://api.fal.ai/v1");
        f.config("api_url = \"http://file-api/v1\"\n", 0o600);
        assert_eq!(
            Settings::load(&f.env()).unwrap().api_url,
            "http://file-api/v1"
        );
        f.vars.insert("I2V_API_URL", "http://env-api/v1".into());
        assert_eq!(
            Settings::load(&f.env()).unwrap().api_url,
            "http://env-api/v1"
        );
    }

    #[test]
    fn download_limit_defaults_to_2_gb_and_reads_the_file() {
        let f = Fixture::new();
        let settings = Settings::load(&f.env()).unwrap();
        assert_eq!(settings.max_download_bytes, 2 << 30);
        f.config("max_download_mb = 5\n", 0o600);
        let settings = Settings::load(&f.env()).unwrap();
        assert_eq!(settings.max_download_bytes, 5 << 20);
    }

    #[test]
    fn the_thumbnail_cache_defaults_to_500_mb_and_reads_the_file() {
        let f = Fixture::new();
        let settings = Settings::load(&f.env()).unwrap();
        assert_eq!(settings.max_thumbs_bytes, 500 << 20);
        f.config("max_thumbs_mb = 40\n", 0o600);
        let settings = Settings::load(&f.env()).unwrap();
        assert_eq!(settings.max_thumbs_bytes, 40 << 20);
    }

    #[test]
    fn price_and_submit_cap_default_and_read_the_file() {
        let f = Fixture::new();
        let settings = Settings::load(&f.env()).unwrap();
        assert_eq!(settings.price_per_video, 0.33);
        assert_eq!(settings.max_jobs_per_submit, 50);
        f.config("price_per_video = 0.5\nmax_jobs_per_submit = 120\n", 0o600);
        let settings = Settings::load(&f.env()).unwrap();
        assert_eq!(settings.price_per_video, 0.5);
        assert_eq!(settings.max_jobs_per_submit, 120);
        for (text, named) in [
            ("price_per_video = -1.0\n", "price_per_video"),
            ("price_per_video = nan\n", "price_per_video"),
            ("max_jobs_per_submit = 0\n", "max_jobs_per_submit"),
        ] {
            f.config(text, 0o600);
            let err = Settings::load(&f.env()).unwrap_err().to_string();
            assert!(err.contains(named), "{text}: {err}");
        }
    }

    #[test]
    fn a_budget_is_read_from_its_table_and_must_be_money() {
        let f = Fixture::new();
        assert!(!Settings::load(&f.env()).unwrap().file.budget.is_set());
        f.config("[budget]\ndaily_usd = 5.0\nsession_usd = 2\n", 0o600);
        let budget = Settings::load(&f.env()).unwrap().file.budget;
        assert_eq!(
            (budget.daily_usd, budget.session_usd),
            (Some(5.0), Some(2.0))
        );
        f.config("[budget]\nsession_usd = -2.0\n", 0o600);
        let err = Settings::load(&f.env()).unwrap_err().to_string();
        assert!(err.contains("session_usd"), "{err}");
        f.config("[budget]\nweekly_usd = 2.0\n", 0o600);
        let err = Settings::load(&f.env()).unwrap_err().to_string();
        assert!(err.contains("weekly_usd"), "{err}");
    }

    #[test]
    fn bad_config_is_a_clear_error() {
        let f = Fixture::new();
        f.config("colour = 3\n", 0o600);
        let err = Settings::load(&f.env()).unwrap_err().to_string();
        assert!(
            err.contains("config.toml") && err.contains("colour"),
            "{err}"
        );
    }
}
