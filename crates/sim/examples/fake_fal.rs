//! Run the sim by hand: `cargo run -p i2v-sim --example fake_fal -- [PORT] [FAULT]...`,
//! e.g. `-- 8787 submit:429:2 stream:drop:1`. Prints the base URL, serves until Ctrl-C.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

use i2v_sim::{FaultSpec, SimConfig, run_cli};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let port = match args.next() {
        Some(port) => port.parse()?,
        None => 0,
    };
    let faults = args
        .map(|spec| spec.parse::<FaultSpec>())
        .collect::<Result<Vec<_>, _>>()?;
    run_cli(port, SimConfig::default(), faults).await?;
    Ok(())
}
