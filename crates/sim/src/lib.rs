//! A simulated fal queue server on loopback.
//!
//! It speaks fal's queue API as described in `fal-queue-protocol.md` — the same routes,
//! JSON bodies, status codes, headers and SSE stream — so any fal client pointed at
//! [`SimServer::base_url`] works unchanged. Jobs run on timers ([`SimConfig`]), and tests
//! switch [`Faults`] on at runtime to prove a client survives them.
//!
//! Put [`FAIL_MARKER`] in a prompt to make that run end `COMPLETED` with an error, or
//! [`POLICY_MARKER`] to have it refused by the content checker.

mod app;
mod cli;
mod config;
mod conn;
mod fault_spec;
mod faults;
mod gate;
mod job_logs;
mod jobs;
mod routes;
mod server;
mod stats;
mod storage;
mod wire;

pub use cli::run_cli;
pub use config::SimConfig;
pub use fault_spec::{FaultSpec, FaultSpecError};
pub use faults::{Fault, Faults, Route};
pub use jobs::{Elsewhere, FAIL_MARKER, POLICY_MARKER};
pub use routes::files::SAMPLE_MP4;
pub use routes::queue::HOSTILE_QUERY;
pub use server::SimServer;
pub use stats::{FalHeaders, MAX_HEADER_RECORDS, Stats};
