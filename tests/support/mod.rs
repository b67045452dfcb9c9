//! Shared fixtures for the `cli_*` tests: a simulated fal running in the test process, a
//! sandbox (data dir, config path, environment) to run the real `i2v` binary in, and small
//! helpers to read what it left behind.
#![allow(dead_code)] // each test crate uses a different part

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use i2v_sim::{Faults, SimConfig, SimServer, Stats};
use i2v_store::{JobRecord, LogEntry};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The key every sandbox sends unless a test sets another.
pub const TEST_KEY: &str = "test-key";

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The bytes every simulated job "generates".
pub fn sample_mp4() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/sim/assets/sample.mp4"))
        .unwrap()
}

/// Quick timings: a job is done a few hundred milliseconds after submit.
pub fn quick() -> SimConfig {
    SimConfig {
        queue_time: Duration::from_millis(30),
        run_time: Duration::from_millis(200),
        log_interval: Duration::from_millis(40),
        ..SimConfig::default()
    }
}

/// A simulated fal on loopback, served by its own runtime so tests can block on child
/// processes while it runs.
pub struct Sim {
    server: SimServer,
    rt: tokio::runtime::Runtime,
}

impl Sim {
    pub fn start(config: SimConfig) -> Sim {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let server = rt.block_on(SimServer::start(config)).unwrap();
        Sim { server, rt }
    }

    pub fn url(&self) -> String {
        self.server.base_url()
    }

    pub fn faults(&self) -> &Faults {
        self.server.faults()
    }

    pub fn stats(&self) -> Stats {
        self.server.stats()
    }

    /// Puts a file in the sim's storage; returns the URL it serves it at.
    pub fn store_file(&self, content_type: &str, name: &str, data: Vec<u8>) -> String {
        self.server.store_file(content_type, name, data)
    }

    /// How many requests of one route kind (`"submit"`, `"result"`, …) the sim has seen.
    pub fn count(&self, route: &str) -> u64 {
        self.stats().by_route.get(route).copied().unwrap_or(0)
    }

    /// The ids of the requests fal's records show (the Platform API's list), newest first.
    pub fn request_ids(&self) -> Vec<String> {
        let url = format!(
            "{}/v1/models/requests/by-endpoint?endpoint_id={}&limit=100",
            self.url(),
            i2v_fal::MODEL_ID
        );
        let (code, body) = http_get(&url, Some(TEST_KEY));
        assert_eq!(code, 200, "{}", String::from_utf8_lossy(&body));
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        value["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["request_id"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Puts a finished request into fal's records as if made elsewhere `age` ago.
    pub fn made_elsewhere(&self, input: serde_json::Value, age: Duration) -> String {
        self.server
            .made_elsewhere(i2v_fal::MODEL_ID, Some(input), age)
    }

    /// Puts a request into fal's records as if made elsewhere `age` ago, standing as `how`
    /// says (still queued or running, or finished without its output in the records).
    pub fn made_elsewhere_as(
        &self,
        input: serde_json::Value,
        age: Duration,
        how: i2v_sim::Elsewhere,
    ) -> String {
        // Inside the sim's runtime: a request still running gets a task there.
        let _entered = self.rt.enter();
        self.server
            .made_elsewhere_as(i2v_fal::MODEL_ID, Some(input), age, how)
    }

    /// Puts a finished request into fal's records as if made elsewhere `age` ago, sent with
    /// `X-Fal-Store-IO: 0`: the records hold no input of it.
    pub fn made_elsewhere_without_input(&self, age: Duration) -> String {
        self.server.made_elsewhere(i2v_fal::MODEL_ID, None, age)
    }

    /// Every log line the sim holds for a request, from `status?logs=1`.
    pub fn logs(&self, record: &JobRecord, key: &str) -> Vec<LogEntry> {
        let status_url = &record.request.as_ref().expect("a request id").status_url;
        let (code, body) = http_get(&format!("{status_url}?logs=1"), Some(key));
        assert!(code == 200 || code == 202, "status answered {code}");
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        serde_json::from_value(value["logs"].clone()).unwrap()
    }

    /// A TCP proxy in front of the sim that keeps every byte clients send through it.
    pub fn recording_proxy(&self) -> Recorder {
        let upstream = self.server.local_addr();
        let sent = Arc::new(Mutex::new(Vec::new()));
        let listener = self
            .rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let log = sent.clone();
        self.rt.spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = tokio::net::TcpStream::connect(upstream).await else {
                    continue;
                };
                let (client_read, client_write) = client.into_split();
                let (server_read, server_write) = server.into_split();
                tokio::spawn(pipe(client_read, server_write, Some(log.clone())));
                tokio::spawn(pipe(server_read, client_write, None));
            }
        });
        Recorder { url, sent }
    }
}

async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    log: Option<Arc<Mutex<Vec<u8>>>>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if let Some(log) = &log {
            log.lock().unwrap().extend_from_slice(&buf[..n]);
        }
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

/// What clients sent through a [`Sim::recording_proxy`].
pub struct Recorder {
    pub url: String,
    sent: Arc<Mutex<Vec<u8>>>,
}

impl Recorder {
    /// Everything sent so far (requests, headers and bodies), as lossy text.
    pub fn sent(&self) -> String {
        String::from_utf8_lossy(&self.sent.lock().unwrap()).into_owned()
    }

    pub fn clear(&self) {
        self.sent.lock().unwrap().clear();
    }
}

/// A plain HTTP/1.1 GET over loopback: `(status, body)`.
pub fn http_get(url: &str, key: Option<&str>) -> (u16, Vec<u8>) {
    let rest = url.strip_prefix("http://").expect("an http:// URL");
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let mut stream = TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let auth = key
        .map(|k| format!("Authorization: Key {k}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\n{auth}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response head");
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let code: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = raw[split + 4..].to_vec();
    let body = if head.contains("transfer-encoding: chunked") {
        dechunk(&body)
    } else {
        body
    };
    (code, body)
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n").unwrap();
        let size_text = String::from_utf8_lossy(&body[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        let start = line_end + 2;
        out.extend_from_slice(&body[start..start + size]);
        body = &body[start + size + 2..];
    }
}

/// One sandbox to run `i2v` in: its own data dir, config path, HOME and a minimal
/// environment, so nothing of the developer's setup (keys, editor, config) leaks in.
pub struct Sandbox {
    dir: tempfile::TempDir,
    vars: Vec<(String, String)>,
}

impl Sandbox {
    /// Pointed at `base_url` (a sim) with [`TEST_KEY`].
    pub fn new(base_url: &str) -> Sandbox {
        let mut sandbox = Sandbox::offline();
        sandbox.set("FAL_KEY", TEST_KEY);
        sandbox.set("I2V_QUEUE_URL", base_url);
        sandbox.set("I2V_REST_URL", base_url);
        sandbox.set("I2V_API_URL", &format!("{base_url}/v1"));
        sandbox
    }

    /// No key and no fal URLs: for commands that must not need them.
    pub fn offline() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let mut sandbox = Sandbox {
            vars: Vec::new(),
            dir,
        };
        let home = sandbox.dir.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        sandbox.set("HOME", home.to_str().unwrap());
        sandbox.set("PATH", &std::env::var("PATH").unwrap_or_default());
        sandbox.set("I2V_DATA_DIR", sandbox.data_dir().to_str().unwrap());
        sandbox.set("I2V_CONFIG", sandbox.config_path().to_str().unwrap());
        sandbox
    }

    pub fn set(&mut self, name: &str, value: &str) {
        self.unset(name);
        self.vars.push((name.to_owned(), value.to_owned()));
    }

    pub fn unset(&mut self, name: &str) {
        self.vars.retain(|(n, _)| n != name);
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn jobs_dir(&self) -> PathBuf {
        self.data_dir().join("jobs")
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("config").join("config.toml")
    }

    /// Writes the config file (its directory made first).
    pub fn write_config(&self, text: &str) {
        let path = self.config_path();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_i2v"));
        cmd.args(args)
            .env_clear()
            .envs(self.vars.iter().map(|(k, v)| (k, v)))
            .current_dir(self.dir.path())
            .stdin(Stdio::null());
        cmd
    }

    /// Runs `i2v args…` to the end.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = self.command(args).output().unwrap();
        Run::from(output)
    }

    /// Runs `i2v submit --prompt <prompt> --image <image> <extra…>` to the end.
    pub fn submit(&self, prompt: &str, image: impl AsRef<Path>, extra: &[&str]) -> Run {
        let image = image.as_ref().to_str().expect("a UTF-8 image path");
        let mut args = vec!["submit", "--prompt", prompt, "--image", image];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// Runs `i2v args…` to the end with every file it writes limited to `max_bytes`
    /// (`RLIMIT_FSIZE`, which binds root too), as `ulimit -f` in a shell does. `SIGXFSZ`
    /// keeps its default action (which kills a process): i2v itself must catch it, so a
    /// write past the limit fails with `EFBIG`, as one on a full disk fails with `ENOSPC`.
    pub fn run_with_file_size_limit(&self, max_bytes: u64, args: &[&str]) -> Run {
        // `ulimit -f` counts 512-byte blocks in POSIX shells.
        let blocks = (max_bytes / 512).to_string();
        let plain = self.command(args);
        let mut limited = Command::new("/bin/sh");
        limited
            .args(["-c", "ulimit -f \"$1\" || exit 99; shift; exec \"$@\""])
            .args(["sh", &blocks, env!("CARGO_BIN_EXE_i2v")])
            .args(args)
            .env_clear()
            .envs(plain.get_envs().filter_map(|(k, v)| Some((k, v?))))
            .current_dir(self.dir.path())
            .stdin(Stdio::null());
        Run::from(limited.output().unwrap())
    }

    /// Runs `i2v args…` to the end with a stdout nobody reads (see [`closed_pipe`]).
    pub fn run_into_closed_pipe(&self, args: &[&str]) -> Run {
        let output = self.command(args).stdout(closed_pipe()).output().unwrap();
        Run::from(output)
    }

    /// Starts `i2v args…` in the background, stdout and stderr captured.
    pub fn spawn(&self, args: &[&str]) -> Child {
        self.command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// Every job record file, parsed, oldest first. Panics on a file that does not parse.
    pub fn records(&self) -> Vec<JobRecord> {
        let mut records: Vec<JobRecord> = self
            .record_files()
            .iter()
            .map(|path| serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap())
            .collect();
        records.sort_by(|a: &JobRecord, b| a.id.cmp(&b.id));
        records
    }

    /// Every record that parses right now (files mid-write or unreadable are skipped).
    pub fn records_lenient(&self) -> Vec<JobRecord> {
        self.record_files()
            .iter()
            .filter_map(|path| serde_json::from_slice(&std::fs::read(path).ok()?).ok())
            .collect()
    }

    /// The one job record there must be.
    pub fn only_record(&self) -> JobRecord {
        let mut records = self.records();
        assert_eq!(records.len(), 1, "expected exactly one job: {records:#?}");
        records.remove(0)
    }

    pub fn record_files(&self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(self.jobs_dir()) else {
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        files
    }

    /// Polls the single job record until `ready` holds (records mid-write are skipped).
    pub fn wait_for_record(&self, what: &str, ready: impl Fn(&JobRecord) -> bool) -> JobRecord {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let found = self.record_files().iter().find_map(|path| {
                let bytes = std::fs::read(path).ok()?;
                serde_json::from_slice::<JobRecord>(&bytes).ok()
            });
            if let Some(record) = found.filter(|r| ready(r)) {
                return record;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Every file under the data dir, recursively.
    pub fn data_files(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.data_dir(), &mut out);
        out
    }
}

/// How a finished `i2v` run ended.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub raw_stdout: Vec<u8>,
    pub raw_stderr: Vec<u8>,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            raw_stdout: output.stdout,
            raw_stderr: output.stderr,
        }
    }
}

impl Run {
    /// Panics with both streams unless the exit code is `code`.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code,
            Some(code),
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Panics with stderr unless it contains `text`.
    #[track_caller]
    pub fn expect_stderr(&self, text: &str) -> &Run {
        expect_in("stderr", &self.stderr, text);
        self
    }

    /// Panics with stdout unless it contains `text`.
    #[track_caller]
    pub fn expect_stdout(&self, text: &str) -> &Run {
        expect_in("stdout", &self.stdout, text);
        self
    }
}

#[track_caller]
fn expect_in(stream: &str, printed: &str, text: &str) {
    assert!(
        printed.contains(text),
        "{stream} lacks {text:?}:\n{printed}"
    );
}

/// Waits for a background `i2v` and collects what it printed.
/// Waits for `child`, killing it (and failing) if it is still running after a minute: the
/// commands it is used for take well under a second, so a minute means it hung.
pub fn finish_or_kill(mut child: Child, what: &str) -> Run {
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    finish(child)
}

pub fn finish(child: Child) -> Run {
    Run::from(child.wait_with_output().unwrap())
}

/// `i2v fake-fal` as a child process; killed when dropped.
pub struct FakeFal {
    child: Child,
    pub url: String,
}

impl FakeFal {
    pub fn spawn(sandbox: &Sandbox, extra: &[&str]) -> FakeFal {
        let mut args = vec!["fake-fal", "--port", "0"];
        args.extend_from_slice(extra);
        let mut child = sandbox
            .command(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        FakeFal {
            child,
            url: first.trim_end().to_owned(),
        }
    }
}

impl Drop for FakeFal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A stdout whose reader has already gone, like `| head -1` after its line: every write to
/// it fails with a broken pipe.
pub fn closed_pipe() -> Stdio {
    let mut reader = Command::new("true").stdin(Stdio::piped()).spawn().unwrap();
    let writer = reader.stdin.take().unwrap();
    reader.wait().unwrap();
    Stdio::from(writer)
}

/// Sends SIGINT, as Ctrl-C in a terminal would.
pub fn interrupt(child: &Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// State names along the record's timeline.
pub fn timeline(record: &JobRecord) -> Vec<&'static str> {
    record.timeline.iter().map(|c| c.state.label()).collect()
}
