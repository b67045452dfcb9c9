//! The history at scale, a plain bench binary that prints a report:
//! - the index over 100,000 jobs (`--quick`: 10,000): its first build from the record files,
//!   and a warm look (stat every file, read nothing);
//! - the release `i2v history list --json` over 20,000 jobs against `cat` of the same files
//!   (targets: faster than `cat`, peak RSS ≤ 40 MB), and `i2v history list` over the large
//!   history, each as wall time, CPU time and the child's peak RSS (from GNU time's `%M`).
//!
//! `cargo bench --bench history`; add `-- --quick` for a smaller run. The synthetic histories
//! are written into a temp dir and removed afterwards (about 500 MB for the full run).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod fixture;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fixture::write_history;
use i2v_store::Store;

const CLI_JOBS: usize = 20_000;
const RUNS: usize = 5;
const CLI_PEAK_TARGET_KB: u64 = 40 * 1024;
/// Record files changed this recently are read again rather than trusted (see the index).
const SETTLE: Duration = Duration::from_millis(2_100);

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let big = if quick { 10_000 } else { 100_000 };
    let temp = tempfile::tempdir().expect("temp dir");
    // `I2V_BENCH_DIR=DIR` keeps the histories there for a look by hand (`I2V_DATA_DIR=DIR/large
    // i2v`) and reuses them on the next run.
    let dir =
        std::env::var_os("I2V_BENCH_DIR").map_or_else(|| temp.path().to_owned(), PathBuf::from);

    let started = Instant::now();
    let cli_root = dir.join("cli");
    let large_root = dir.join("large");
    let large = Store::open(&large_root).expect("store");
    if !cli_root.join("jobs").is_dir() {
        write_history(&cli_root, CLI_JOBS);
    }
    if large.ids().map_or(0, |ids| ids.len()) != big {
        let _ = std::fs::remove_dir_all(&large_root);
        write_history(&large_root, big);
    }
    println!(
        "fixtures: {CLI_JOBS} and {big} jobs ready in {:.1} s ({} MB of records)",
        started.elapsed().as_secs_f64(),
        dir_bytes(&large_root.join("jobs")) / 1_000_000
    );
    std::thread::sleep(SETTLE);
    let _ = std::fs::remove_file(large.index_path());

    report_index(&large, big);
    report_cli_against_cat(&cli_root);
    report_cli_large(&large_root, big);
}

/// The index's first build (no index yet: every record read), then warm looks.
fn report_index(store: &Store, jobs: usize) {
    let cpu = cpu_time();
    let started = Instant::now();
    let first = store.history();
    let build = started.elapsed();
    let build_cpu = cpu_time().saturating_sub(cpu);
    assert_eq!(first.jobs.len(), jobs, "every job indexed");
    assert_eq!(first.refresh.read, jobs);
    let index_len = std::fs::metadata(store.index_path()).map_or(0, |m| m.len());
    println!(
        "index over {jobs} jobs ({:.1} MB on disk):",
        index_len as f64 / 1e6
    );
    println!(
        "  first build (reads every record, writes the index): {} wall, {} CPU",
        secs(build),
        secs(build_cpu)
    );
    drop(first);

    let mut times = Vec::new();
    let mut cpus = Vec::new();
    for _ in 0..RUNS {
        let cpu = cpu_time();
        let started = Instant::now();
        let look = store.history();
        times.push(started.elapsed());
        cpus.push(cpu_time().saturating_sub(cpu));
        assert_eq!(look.refresh.read, 0, "a warm look reads no record");
        assert_eq!(look.jobs.len(), jobs);
    }
    println!(
        "  warm look (index read, every file stat'ed, nothing parsed): median {} wall, {} CPU (of {RUNS})",
        secs(median(&mut times)),
        secs(median(&mut cpus))
    );
}

fn report_cli_against_cat(root: &Path) {
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_i2v"));
    let list = || {
        let mut cmd = Command::new(&exe);
        cmd.args(["history", "list", "--json"])
            .env("I2V_DATA_DIR", root)
            .env("I2V_CONFIG", root.join("no-config.toml"));
        cmd
    };
    let cat = || {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "cat jobs/*.json"]).current_dir(root);
        cmd
    };
    let index = root.join(i2v_store::INDEX_FILE);
    let _ = std::fs::remove_file(&index);
    let cold = measure(list());
    println!(
        "`i2v history list --json` over {CLI_JOBS} jobs against `cat jobs/*.json` (output read through a pipe):"
    );
    println!("  i2v, first run (builds the index): {}", cold.describe());
    let warm = best_of(list);
    let cat = best_of(cat);
    println!("  i2v, index warm:                   {}", warm.describe());
    println!("  cat:                               {}", cat.describe());
    let faster = warm.wall < cat.wall;
    let small = warm.peak_kb.is_some_and(|kb| kb <= CLI_PEAK_TARGET_KB);
    println!(
        "  faster than cat: {}; peak ≤ 40 MB: {}",
        verdict(faster),
        verdict(small)
    );
}

fn report_cli_large(root: &Path, jobs: usize) {
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_i2v"));
    let run = || {
        let mut cmd = Command::new(&exe);
        cmd.args(["history", "list"])
            .env("I2V_DATA_DIR", root)
            .env("I2V_CONFIG", root.join("no-config.toml"));
        cmd
    };
    println!("`i2v history list` over {jobs} jobs, index warm:");
    println!("  {}", best_of(run).describe());
}

struct Measured {
    wall: Duration,
    cpu: Option<Duration>,
    peak_kb: Option<u64>,
    bytes: usize,
}

impl Measured {
    fn describe(&self) -> String {
        format!(
            "{} wall, {} CPU, peak RSS {}, {:.1} MB out",
            secs(self.wall),
            self.cpu.map_or("?".into(), secs),
            self.peak_kb.map_or("unknown".into(), |kb| format!(
                "{:.1} MB",
                kb as f64 / 1024.0
            )),
            self.bytes as f64 / 1e6
        )
    }
}

/// The median by wall time of a few runs.
fn best_of(make: impl Fn() -> Command) -> Measured {
    let mut runs: Vec<Measured> = (0..RUNS).map(|_| measure(make())).collect();
    runs.sort_by_key(|m| m.wall);
    runs.swap_remove(RUNS / 2)
}

/// Runs `cmd` under GNU time (for its CPU time and peak RSS, if installed), reading its
/// stdout to the end.
fn measure(cmd: Command) -> Measured {
    let report = tempfile::NamedTempFile::new().expect("temp file");
    let timed = Path::new("/usr/bin/time").exists();
    let mut cmd = if timed {
        let mut wrapped = Command::new("/usr/bin/time");
        wrapped.args(["-f", "%U %S %M", "-o"]).arg(report.path());
        wrapped.arg(cmd.get_program()).args(cmd.get_args());
        for (key, value) in cmd.get_envs() {
            if let Some(value) = value {
                wrapped.env(key, value);
            }
        }
        if let Some(dir) = cmd.get_current_dir() {
            wrapped.current_dir(dir);
        }
        wrapped
    } else {
        cmd
    };
    let started = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut out = child.stdout.take().expect("stdout");
    let mut buf = vec![0; 1 << 16];
    let mut bytes = 0;
    while let Ok(n) = out.read(&mut buf) {
        if n == 0 {
            break;
        }
        bytes += n;
    }
    let status = child.wait().expect("wait");
    let wall = started.elapsed();
    assert!(status.success(), "{cmd:?} failed");
    let (cpu, peak_kb) = if timed {
        let text = std::fs::read_to_string(report.path()).unwrap_or_default();
        let fields: Vec<f64> = text
            .split_whitespace()
            .filter_map(|f| f.parse().ok())
            .collect();
        match fields.as_slice() {
            [user, system, kb] => (
                Some(Duration::from_secs_f64(user + system)),
                Some(*kb as u64),
            ),
            _ => (None, None),
        }
    } else {
        (None, None)
    };
    Measured {
        wall,
        cpu,
        peak_kb,
        bytes,
    }
}

/// This process's CPU time so far (user + system), from `/proc/self/stat`.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = after
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 here; in clock ticks
    // of 1/100 s on Linux.
    let ticks = fields.get(11).unwrap_or(&0) + fields.get(12).unwrap_or(&0);
    Duration::from_millis(ticks * 10)
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn secs(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

fn verdict(met: bool) -> &'static str {
    if met { "TARGET MET" } else { "TARGET MISSED" }
}
