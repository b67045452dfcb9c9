//! `i2v completions SHELL` and `i2v man`: generated from the same clap definition as the
//! parser, so they never drift from it.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::CommandFactory;

use super::args::Cli;

pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<ExitCode> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "i2v", &mut out);
    write_stdout(&out)
}

/// i2v's man page, or with `page` (`submit`, `history list`, `i2v-history-list`) the page of
/// that subcommand, as i2v's own page names them in SEE ALSO.
pub fn man(page: &[String]) -> anyhow::Result<ExitCode> {
    let mut command = Cli::command().disable_help_subcommand(true);
    // Gives each subcommand its page's name (`i2v-history-list`).
    command.build();
    let wanted = match page.join("-").trim_start_matches("i2v") {
        "" => "i2v".to_owned(),
        rest => format!("i2v-{}", rest.trim_start_matches('-')),
    };
    let mut pages = Vec::new();
    let Some(found) = find_page(&command, &wanted, &mut pages) else {
        eprintln!("i2v: no man page {wanted}; there are: {}", pages.join(", "));
        return Ok(ExitCode::from(2));
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(found)
        .render(&mut out)
        .context("could not render the man page")?;
    write_stdout(&out)
}

/// The command (or one below it) whose page is `name`; collects the names of all on the way.
fn find_page(
    command: &clap::Command,
    name: &str,
    pages: &mut Vec<String>,
) -> Option<clap::Command> {
    let own = command.get_display_name().unwrap_or(command.get_name());
    pages.push(own.to_owned());
    let mut found = (own == name).then(|| command.clone());
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        if let Some(page) = find_page(sub, name, pages) {
            found = Some(page);
        }
    }
    found
}

fn write_stdout(bytes: &[u8]) -> anyhow::Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // `i2v man | head` is not an error.
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(err) => Err(err).context("could not write to stdout"),
    }
}
