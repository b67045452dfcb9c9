//! `i2v paths`: where i2v keeps things, read from the environment alone, and the price per
//! video in force with where it came from. It must work with a broken config file (that may
//! be why someone asks) and creates nothing.

use std::process::ExitCode;

use super::output::print_line;
use crate::config::Paths;

pub fn print(env: &dyn Fn(&str) -> Option<String>, demo: bool) -> anyhow::Result<ExitCode> {
    let paths = Paths::resolve(env)?;
    let data_dir = if demo {
        crate::setup::demo_data_dir(&paths.data_dir)
    } else {
        paths.data_dir.clone()
    };
    for (name, path) in [
        ("config", paths.config_path.clone()),
        ("data", data_dir.clone()),
        ("log", crate::logging::log_path(&data_dir)),
        ("themes", paths.config_dir().join("themes")),
    ] {
        print_line(format_args!("{name:<7}{}", path.display()));
    }
    // The price in force and where it came from (a config that does not read leaves it out:
    // its own price may be in it).
    if let Ok(settings) = crate::config::Settings::load(env) {
        let price =
            crate::pricing::known(settings.price_configured(), &data_dir, i2v_fal::MODEL_ID);
        print_line(format_args!(
            "{:<7}{} per video: {}",
            "price",
            crate::spend::usd(price.usd),
            crate::text::sanitize(&price.source_text())
        ));
    }
    Ok(ExitCode::SUCCESS)
}
