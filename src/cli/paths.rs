//! `i2v paths`: where i2v keeps things, read from the environment alone. It must work with a
//! broken config file (that may be why someone asks) and creates nothing.

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
    Ok(ExitCode::SUCCESS)
}
