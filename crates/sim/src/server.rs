//! Starting and stopping the simulated fal.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::app::App;
use crate::config::SimConfig;
use crate::conn::{ConnSwitch, CuttableListener};
use crate::faults::Faults;
use crate::jobs::{Elsewhere, Jobs, NewRequest};
use crate::routes;
use crate::stats::{Stats, StatsRecorder};
use crate::storage::Storage;

/// A running simulated fal. Dropping it shuts the server down and stops its jobs.
pub struct SimServer {
    addr: SocketAddr,
    jobs: Arc<Jobs>,
    faults: Faults,
    stats: StatsRecorder,
    storage: Arc<Storage>,
    shutdown: CancellationToken,
}

impl SimServer {
    /// Serve on `127.0.0.1` at a free port.
    pub async fn start(config: SimConfig) -> io::Result<SimServer> {
        Self::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config).await
    }

    /// Serve on `addr`. Must be called inside a tokio runtime, which runs the server.
    pub async fn start_on(addr: SocketAddr, config: SimConfig) -> io::Result<SimServer> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let config = Arc::new(config);
        let stats = StatsRecorder::default();
        let faults = Faults::default();
        let shutdown = CancellationToken::new();
        let storage = Arc::new(Storage::default());
        let jobs = Jobs::new(config.clone(), stats.clone(), shutdown.clone());
        let app = App {
            jobs: jobs.clone(),
            config,
            faults: faults.clone(),
            stats: stats.clone(),
            storage: storage.clone(),
            fallback_base: format!("http://{addr}"),
            shutdown: shutdown.clone(),
        };
        let service = routes::router(app).into_make_service_with_connect_info::<ConnSwitch>();
        let serve = axum::serve(CuttableListener::new(listener), service)
            .with_graceful_shutdown(shutdown.clone().cancelled_owned());
        tokio::spawn(async move {
            if let Err(error) = serve.await {
                tracing::warn!(%error, "simulated fal stopped");
            }
        });
        Ok(SimServer {
            addr,
            jobs,
            faults,
            stats,
            storage,
            shutdown,
        })
    }

    /// `http://127.0.0.1:PORT`: both the queue URL and the storage (rest) URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT/v1`: the Platform API's base (fal's `https://api.fal.ai/v1`).
    pub fn api_url(&self) -> String {
        format!("{}/v1", self.base_url())
    }

    /// Puts a finished request into fal's records as if it had been made elsewhere (fal's
    /// playground, another machine) `age` ago, with `input` as its JSON input; returns its
    /// request id. Its status, result and video answer as any other's; a prompt holding
    /// [`crate::FAIL_MARKER`] makes it a failed one. `input` `None`: sent with
    /// `X-Fal-Store-IO: 0`.
    pub fn made_elsewhere(
        &self,
        endpoint: &str,
        input: Option<serde_json::Value>,
        age: std::time::Duration,
    ) -> String {
        self.made_elsewhere_as(endpoint, input, age, Elsewhere::Finished)
    }

    /// As [`SimServer::made_elsewhere`], standing as `how` says: still queued or running
    /// (it then finishes on the sim's timers), or finished without its output in the
    /// records.
    pub fn made_elsewhere_as(
        &self,
        endpoint: &str,
        input: Option<serde_json::Value>,
        age: std::time::Duration,
        how: Elsewhere,
    ) -> String {
        let prompt = input
            .as_ref()
            .and_then(|i| i.get("prompt"))
            .and_then(|p| p.as_str())
            .unwrap_or_default()
            .to_owned();
        let app = endpoint.split('/').take(2).collect::<Vec<_>>().join("/");
        let request = NewRequest {
            app,
            endpoint: endpoint.to_owned(),
            base: self.base_url(),
            prompt,
            input,
        };
        self.jobs.made_elsewhere(request, age, how).id.clone()
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Switch faults on at runtime.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// What the server has seen so far.
    pub fn stats(&self) -> Stats {
        self.stats.snapshot()
    }

    /// Puts a file in the sim's storage, as an upload would; returns its URL. Lets tests hand
    /// out image URLs the sim serves (with ranges) and checks on submit.
    pub fn store_file(&self, content_type: &str, file_name: &str, data: Vec<u8>) -> String {
        let file_name = crate::storage::safe_file_name(file_name);
        let token = self
            .storage
            .reserve(content_type.to_owned(), file_name.clone());
        self.storage.fill(&token, data.into());
        format!("{}/files/uploads/{token}/{file_name}", self.base_url())
    }

    /// Stop serving; also what dropping does.
    pub fn shutdown(&self) {
        self.shutdown.cancel();
    }
}

impl Drop for SimServer {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}
