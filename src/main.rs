use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = i2v::cli::Cli::parse();
    match i2v::cli::run(cli).await {
        Ok(code) => code,
        Err(err) => {
            // The context chain on one line: "could not X: because Y".
            eprintln!(
                "i2v: {}",
                i2v::text::sanitize(&i2v::text::error_chain(&err))
            );
            ExitCode::from(2)
        }
    }
}
