//! The price of one video in force, and where it came from: the config's `price_per_video`
//! when set; else fal's own price list (`GET {api_url}/models/pricing`), remembered for a day
//! in the data dir (`price.json`); else the built-in $0.33, fal's listed price when this was
//! written. Asking fal is bounded and never stops a submit: when it cannot be asked, what was
//! remembered (however old) or the built-in price is used, and the reason is kept to say.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use i2v_fal::FalClient;
use serde::{Deserialize, Serialize};

use crate::config::DEFAULT_PRICE_PER_VIDEO;

/// The file in the data dir that remembers fal's price.
pub const CACHE_FILE: &str = "price.json";
/// How long fal's price is trusted before it is asked for again.
const FRESH_FOR: chrono::TimeDelta = chrono::TimeDelta::days(1);
/// The most a submit waits for fal's price list.
const ASK_FOR_AT_MOST: Duration = Duration::from_secs(3);
/// What the remembered price may hold: a few hundred bytes.
const CACHE_CAP: u64 = 64 * 1024;

/// Where the price in force came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// `price_per_video` in the config.
    Config,
    /// fal's price list, fetched then.
    Fal { fetched_at: DateTime<Utc> },
    /// Nothing else known: fal's listed price when i2v was written.
    BuiltIn,
}

/// The price of one video, in USD, and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Price {
    pub usd: f64,
    pub source: Source,
    /// Why fal's price list was not used (or not fresh), when it was asked for and failed, or
    /// what was remembered could not be read.
    pub trouble: Option<String>,
}

impl Price {
    /// Where the price came from, for people: "fal's price list, fetched 2026-12-01 10:00 UTC".
    pub fn source_text(&self) -> String {
        let base = match &self.source {
            Source::Config => "price_per_video in the config".to_owned(),
            Source::Fal { fetched_at } => format!(
                "fal's price list, fetched {}",
                fetched_at.format("%Y-%m-%d %H:%M UTC")
            ),
            Source::BuiltIn => "built in (fal's listed price for this model)".to_owned(),
        };
        match &self.trouble {
            Some(trouble) => format!("{base}; {trouble}"),
            None => base,
        }
    }

    /// A stable word for the source (`--json`): `config`, `fal` or `built_in`.
    pub fn source_word(&self) -> &'static str {
        match self.source {
            Source::Config => "config",
            Source::Fal { .. } => "fal",
            Source::BuiltIn => "built_in",
        }
    }
}

/// What fal's price list said, as remembered in the data dir.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Remembered {
    endpoint_id: String,
    unit_price: f64,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    currency: String,
    fetched_at: DateTime<Utc>,
}

pub fn cache_path(data_dir: &Path) -> PathBuf {
    data_dir.join(CACHE_FILE)
}

/// The price in force from what is known here, asking nobody: the config's, else fal's as
/// remembered (however old), else the built-in one.
pub fn known(configured: Option<f64>, data_dir: &Path, model: &str) -> Price {
    if let Some(usd) = configured {
        return Price {
            usd,
            source: Source::Config,
            trouble: None,
        };
    }
    match remembered(data_dir, model) {
        Ok(Some(price)) => price.into(),
        Ok(None) => built_in(Some("no price from fal's price list remembered".into())),
        Err(trouble) => built_in(Some(trouble)),
    }
}

/// The price in force, asking fal's price list when what is remembered is more than a day
/// old (or missing), for at most a few seconds. Never fails: see [`known`].
pub async fn current(configured: Option<f64>, data_dir: &Path, client: &FalClient) -> Price {
    let model = client.config().model.clone();
    if configured.is_some() {
        return known(configured, data_dir, &model);
    }
    let remembered = remembered(data_dir, &model);
    if let Ok(Some(price)) = &remembered
        && Utc::now() - price.fetched_at < FRESH_FOR
    {
        return price.clone().into();
    }
    let asked = tokio::time::timeout(ASK_FOR_AT_MOST, client.price()).await;
    let trouble = match asked {
        Ok(Ok(price)) if price.currency.eq_ignore_ascii_case("USD") => {
            let fresh = Remembered {
                endpoint_id: price.endpoint_id,
                unit_price: price.unit_price,
                unit: price.unit,
                currency: price.currency,
                fetched_at: Utc::now(),
            };
            let trouble = remember(data_dir, &fresh)
                .err()
                .map(|e| format!("could not remember it in {}: {e}", CACHE_FILE));
            return Price {
                trouble,
                ..fresh.into()
            };
        }
        Ok(Ok(price)) => format!(
            "fal's price list gives {} {}, and i2v counts in USD",
            price.unit_price, price.currency
        ),
        Ok(Err(err)) => format!("fal's price list could not be read: {err}"),
        Err(_) => format!(
            "fal's price list did not answer within {} s",
            ASK_FOR_AT_MOST.as_secs()
        ),
    };
    tracing::warn!(%trouble, "price per video");
    match remembered {
        Ok(Some(price)) => Price {
            trouble: Some(trouble),
            ..price.into()
        },
        _ => built_in(Some(trouble)),
    }
}

fn built_in(trouble: Option<String>) -> Price {
    Price {
        usd: DEFAULT_PRICE_PER_VIDEO,
        source: Source::BuiltIn,
        trouble,
    }
}

impl From<Remembered> for Price {
    fn from(price: Remembered) -> Price {
        Price {
            usd: price.unit_price,
            source: Source::Fal {
                fetched_at: price.fetched_at,
            },
            trouble: None,
        }
    }
}

/// fal's price for `model` as remembered; `Ok(None)` when nothing is.
fn remembered(data_dir: &Path, model: &str) -> Result<Option<Remembered>, String> {
    let path = cache_path(data_dir);
    let text = match crate::local_file::read_text_capped(&path, CACHE_CAP, "a remembered price") {
        Ok(text) => text,
        Err(err) if err.is_not_found() => return Ok(None),
        Err(err) => return Err(format!("{} not read: {err}", path.display())),
    };
    let price: Remembered = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a remembered price: {e}", path.display()))?;
    let usable = price.endpoint_id == model
        && price.unit_price.is_finite()
        && price.unit_price >= 0.0
        && (price.currency.is_empty() || price.currency.eq_ignore_ascii_case("USD"));
    Ok(usable.then_some(price))
}

/// Writes the price beside, then renames it into place: a reader never sees half of it.
fn remember(data_dir: &Path, price: &Remembered) -> std::io::Result<()> {
    std::fs::create_dir_all(data_dir)?;
    let path = cache_path(data_dir);
    let partial = data_dir.join(format!("{CACHE_FILE}.tmp"));
    let text = serde_json::to_string_pretty(price).map_err(std::io::Error::other)?;
    std::fs::write(&partial, text)?;
    std::fs::rename(&partial, &path)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODEL: &str = i2v_fal::MODEL_ID;

    fn write(dir: &Path, price: f64, age: chrono::TimeDelta, model: &str) {
        let remembered = Remembered {
            endpoint_id: model.into(),
            unit_price: price,
            unit: "video".into(),
            currency: "USD".into(),
            fetched_at: Utc::now() - age,
        };
        remember(dir, &remembered).unwrap();
    }

    #[test]
    fn the_config_wins_then_what_fal_said_then_the_built_in_price() {
        let dir = tempfile::tempdir().unwrap();
        let none = known(None, dir.path(), MODEL);
        assert_eq!((none.usd, none.source_word()), (0.33, "built_in"));
        assert!(
            none.source_text()
                .contains("no price from fal's price list"),
            "{}",
            none.source_text()
        );
        write(dir.path(), 0.29, chrono::TimeDelta::hours(30), MODEL);
        let fal = known(None, dir.path(), MODEL);
        assert_eq!((fal.usd, fal.source_word()), (0.29, "fal"));
        assert!(fal.source_text().starts_with("fal's price list, fetched "));
        let config = known(Some(0.5), dir.path(), MODEL);
        assert_eq!((config.usd, config.source_word()), (0.5, "config"));
    }

    #[test]
    fn a_price_for_another_model_or_a_damaged_file_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            0.29,
            chrono::TimeDelta::hours(1),
            "fal-ai/other",
        );
        assert_eq!(known(None, dir.path(), MODEL).source_word(), "built_in");
        std::fs::write(cache_path(dir.path()), "{ not json").unwrap();
        let damaged = known(None, dir.path(), MODEL);
        assert_eq!(damaged.usd, 0.33);
        assert!(
            damaged.source_text().contains("is not a remembered price"),
            "{}",
            damaged.source_text()
        );
    }
}
