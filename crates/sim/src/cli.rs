//! `i2v fake-fal`: the sim as a standalone process.

use std::io::{self, Write};
use std::net::{Ipv4Addr, SocketAddr};

use crate::config::SimConfig;
use crate::fault_spec::FaultSpec;
use crate::server::SimServer;

/// Serve on `127.0.0.1:port` (0: any free port) with `faults` armed. The first line on
/// stdout is exactly the base URL, so a parent process can read it; then it serves until
/// Ctrl-C.
pub async fn run_cli(port: u16, config: SimConfig, faults: Vec<FaultSpec>) -> io::Result<()> {
    let server = SimServer::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, port)), config).await?;
    for spec in faults {
        server.faults().push(spec.route, spec.fault, spec.times);
    }
    {
        let mut stdout = io::stdout().lock();
        writeln!(stdout, "{}", server.base_url())?;
        stdout.flush()?;
    }
    tokio::signal::ctrl_c().await?;
    server.shutdown();
    Ok(())
}
