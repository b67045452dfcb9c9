use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use super::history_filter::HistoryFilterArgs;

/// A keyboard-driven terminal workbench for fal.ai's Hailuo 2.3 Fast Pro image-to-video model.
///
/// Without a subcommand, opens the workbench. Needs FAL_KEY (or FAL_KEY_ID + FAL_KEY_SECRET,
/// or `key` in the config file) unless --demo is given.
#[derive(Debug, Parser)]
#[command(name = "i2v", version, about, long_about)]
pub struct Cli {
    /// Run against a simulated fal inside this process, with a history of its own: no key,
    /// no network, no cost. Also after the subcommands it means something to (submit,
    /// history, rate, frame, resume, cancel, paths).
    #[arg(long)]
    pub demo: bool,

    #[command(flatten)]
    pub workbench: WorkbenchArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct WorkbenchArgs {
    /// Pre-fill the prompt editor.
    #[arg(long)]
    pub prompt: Option<String>,
    /// Pre-fill the image field: an http(s) URL or a local PNG/JPEG/WebP file.
    #[arg(long)]
    pub image: Option<String>,
    /// Colour theme: dark, light, high-contrast, or a file name in the config dir's themes/.
    #[arg(long)]
    pub theme: Option<String>,
}

impl Cli {
    /// `--demo`, given before the subcommand or after it.
    pub fn demo(&self) -> bool {
        self.demo
            || match &self.command {
                Some(Command::Submit(args)) => args.demo.demo,
                Some(Command::History(args)) => args.demo,
                Some(Command::Frame(args)) => args.demo.demo,
                Some(Command::Rate(args)) => args.demo.demo,
                Some(Command::Cancel { demo, .. } | Command::Resume { demo, .. }) => demo.demo,
                Some(Command::Paths { demo }) => demo.demo,
                _ => false,
            }
    }
}

/// `--demo` on a subcommand that runs against fal.
#[derive(Debug, Default, Clone, Copy, Args)]
pub struct DemoRun {
    /// Against a simulated fal inside this process, with the demo's own history: no key, no
    /// network, no cost.
    #[arg(long)]
    pub demo: bool,
}

/// `--demo` on a subcommand that only reads or changes the history.
#[derive(Debug, Default, Clone, Copy, Args)]
pub struct DemoHistory {
    /// The demo's own history (what `i2v --demo` made), not the real one.
    #[arg(long)]
    pub demo: bool,
}

/// `i2v history …`: which history, then what to do with it.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The demo's own history (what `i2v --demo` made), not the real one.
    #[arg(long, global = true)]
    pub demo: bool,
    #[command(subcommand)]
    pub command: HistoryCommand,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Submit a job (or a prompt matrix, `{red|blue}`), follow on stderr, print URL and file.
    Submit(SubmitArgs),
    /// Look through past jobs.
    History(HistoryArgs),
    /// Save a frame of a job's downloaded video as a PNG at the video's size; prints its path.
    Frame(FrameArgs),
    /// Rate a finished job 1-5 (0 or --clear unrates), with an optional note.
    Rate(RateArgs),
    /// Join shots into one video without re-encoding (or an animated GIF); prints its path.
    Film(FilmArgs),
    /// Ask fal to cancel a job.
    Cancel {
        /// Job id (or a unique prefix).
        id: String,
        #[command(flatten)]
        demo: DemoRun,
    },
    /// Finish every job left unfinished by a crash or quit, from its request id.
    Resume {
        /// Print each finished job as one JSON line on stdout.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        demo: DemoRun,
    },
    /// Run the simulated fal queue server on loopback; prints its base URL first.
    FakeFal(FakeFalArgs),
    /// Print where i2v keeps its config, history, log and themes.
    Paths {
        #[command(flatten)]
        demo: DemoHistory,
    },
    /// Print a shell completion script, e.g. `i2v completions bash > ~/.local/share/bash-completion/completions/i2v`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff): i2v's, or a subcommand's (`i2v man submit`, `i2v man history
    /// list`), e.g. `i2v man | man -l -`.
    Man {
        /// The subcommand whose page to print.
        #[arg(value_name = "SUBCOMMAND")]
        page: Vec<String>,
    },
}

#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// The prompt text. `{red|blue}` makes one job per alternative (every combination of
    /// every group); `\{`, `\}`, `\|` and `\\` are literal.
    #[arg(
        long,
        conflicts_with = "prompt_file",
        required_unless_present = "prompt_file"
    )]
    pub prompt: Option<String>,
    /// Read the prompt from a file (`-` for stdin).
    #[arg(long, value_name = "FILE")]
    pub prompt_file: Option<PathBuf>,
    /// First frame: an http(s) URL or a local PNG/JPEG/WebP file.
    #[arg(long, required_unless_present = "from_last_frame")]
    pub image: Option<String>,
    /// Continue a finished job: its last frame (saved in the data dir) is the first frame.
    #[arg(long, value_name = "ID", conflicts_with = "image")]
    pub from_last_frame: Option<String>,
    /// Send prompt_optimizer=false.
    #[arg(long)]
    pub no_prompt_optimizer: bool,
    /// Send each prompt N times, for the model's own variance.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub repeat: u64,
    /// Send several jobs (a prompt matrix, --repeat) without asking first.
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Send even past a cap the config's `[budget]` sets (daily_usd, session_usd).
    #[arg(long)]
    pub over_budget: bool,
    /// Send the prompt exactly as written: braces are not alternatives.
    #[arg(long)]
    pub literal: bool,
    #[command(flatten)]
    pub fal: FalArgs,
    #[command(flatten)]
    pub demo: DemoRun,
    /// Print the job as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// Do not download the video; print only its URL.
    #[arg(long)]
    pub no_download: bool,
    /// Send the image even if it breaks the model's documented limits (JPEG/PNG/WebP, under
    /// 20 MB, short side at least 300 px, aspect ratio between 2:5 and 5:2).
    #[arg(long)]
    pub no_check: bool,
    /// Stop following after this long (e.g. 90s, 10m, 1h) and exit 124; the job stays
    /// recorded and `i2v resume` finishes it.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
}

/// `90`, `90s`, `500ms`, `10m`, `1h`: a bare number is seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let bad = || format!("{text:?} is not a duration; write e.g. 90s, 10m or 1h");
    let value: u64 = digits.parse().map_err(|_| bad())?;
    let seconds = match unit.trim() {
        "ms" => return Ok(Duration::from_millis(value)),
        "" | "s" => value,
        "m" => value.saturating_mul(60),
        "h" => value.saturating_mul(3600),
        _ => return Err(bad()),
    };
    Ok(Duration::from_secs(seconds))
}

#[derive(Debug, Args)]
pub struct FrameArgs {
    /// Job id (or a unique prefix).
    pub id: String,
    /// Which frame: first, middle, last, or seconds from the start (e.g. 2.5).
    #[arg(long, default_value = "last", value_parser = parse_position)]
    pub at: i2v_video::Position,
    /// Where to write the PNG (default: the data dir's frames/).
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub demo: DemoHistory,
}

#[derive(Debug, Args)]
pub struct FilmArgs {
    /// One job: the chain of shots that ends at it, first shot first. chain:ID: the whole
    /// chain through that job, on by the takes chosen in the storyboard. Several: these jobs,
    /// in this order. Ids or unique prefixes.
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
    /// Where to write it (a directory takes the default name); default: the data dir's films/.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// An animated GIF instead (at most 480 px wide and 12 frames a second), for a chat or an
    /// issue.
    #[arg(long)]
    pub gif: bool,
}

fn parse_position(text: &str) -> Result<i2v_video::Position, String> {
    text.parse()
}

/// fal's optional request headers for one submit; each overrides `[fal]` in the config file.
#[derive(Debug, Default, Args)]
pub struct FalArgs {
    /// Fail unless a runner starts the job within SECS (X-Fal-Request-Timeout).
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub start_timeout: Option<u64>,
    /// Queue priority (X-Fal-Queue-Priority); low waits behind every normal request.
    #[arg(long, value_enum)]
    pub priority: Option<crate::config::QueuePriority>,
    /// Ask fal to delete the output video after SECS (X-Fal-Object-Lifecycle-Preference).
    #[arg(long, value_name = "SECS")]
    pub output_expiry: Option<u64>,
    /// Ask fal to delete the uploaded image after SECS (X-Fal-Object-Lifecycle).
    #[arg(long, value_name = "SECS")]
    pub input_expiry: Option<u64>,
    /// Ask fal not to keep the request's JSON payloads (X-Fal-Store-IO: 0).
    #[arg(long)]
    pub no_store_io: bool,
    /// No silent reroute to an equivalent endpoint (x-fal-disable-fallbacks).
    #[arg(long)]
    pub no_fallbacks: bool,
}

impl FalArgs {
    /// These flags over `base` (the config file's).
    pub fn over(&self, base: i2v_store::FalOptions) -> i2v_store::FalOptions {
        i2v_store::FalOptions {
            start_timeout_secs: self.start_timeout.or(base.start_timeout_secs),
            priority: self.priority.map(|p| p.name().to_owned()).or(base.priority),
            output_expiry_secs: self.output_expiry.or(base.output_expiry_secs),
            input_expiry_secs: self.input_expiry.or(base.input_expiry_secs),
            no_store_io: self.no_store_io || base.no_store_io,
            disable_fallbacks: self.no_fallbacks || base.disable_fallbacks,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Jobs, newest first: one line each, or JSON.
    List {
        #[command(flatten)]
        filter: HistoryFilterArgs,
        /// Print a JSON array of job summaries (id, times, state, prompt, image...), streamed.
        #[arg(long)]
        json: bool,
        /// With --json: whole records (logs, timeline...), which reads every record file.
        #[arg(long, requires = "json")]
        full: bool,
    },
    /// One job in full.
    Show {
        /// Job id (or a unique prefix).
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Settle a job maybe sent from fal's records: follow the request they show, or mark it
    /// never made (safe to re-run).
    Check {
        /// Job id (or a unique prefix).
        id: String,
        /// Print the job as one JSON object on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Bring in jobs made elsewhere (fal's playground, another machine) from fal's records:
    /// each request for this model no local job names becomes a job marked imported.
    Import {
        /// From fal's records of the model's requests (the Platform API).
        #[arg(long, required = true)]
        from_fal: bool,
        /// Only requests sent since: 2026-11-03, today, 36h, 7d (default), 2w.
        #[arg(long, value_name = "DATE", value_parser = super::dates::parse_since)]
        since: Option<chrono::DateTime<chrono::Utc>>,
        /// Do not download their videos; keep only the URLs.
        #[arg(long)]
        no_download: bool,
    },
    /// Jobs by state, spend, fal inference time, median queue wait and run time.
    Stats {
        /// Only jobs created since: 2026-11-03, 2026-11-03T14:00:00Z, today, yesterday, 36h,
        /// 7d, 2w.
        #[arg(long, value_name = "DATE", value_parser = super::dates::parse_since)]
        since: Option<chrono::DateTime<chrono::Utc>>,
        #[arg(long)]
        json: bool,
    },
    /// Move finished jobs, their videos and thumbnails to the trash folder in the data dir.
    Rm {
        /// Job ids (or unique prefixes).
        #[arg(required = true, value_name = "ID")]
        ids: Vec<String>,
        /// Delete them instead.
        #[arg(long)]
        purge: bool,
    },
    /// Remove finished jobs older than an age, listing them first; unfinished jobs are kept.
    Prune {
        /// Age, e.g. 30d, 2w, 12h (by when the job was created).
        #[arg(long, value_name = "AGE", value_parser = super::dates::parse_age)]
        older_than: chrono::Duration,
        /// Only jobs in this state (repeatable).
        #[arg(long, value_enum, value_name = "STATE")]
        status: Vec<super::history_filter::StateArg>,
        /// Go ahead without asking.
        #[arg(long, conflicts_with = "dry_run")]
        yes: bool,
        /// Only list what would be removed.
        #[arg(long)]
        dry_run: bool,
        /// Delete instead of moving to the trash.
        #[arg(long)]
        purge: bool,
    },
    /// One row per job: prompt, image, state, times, video URL and file, price.
    Export {
        #[arg(long, value_enum)]
        format: super::history_export::ExportFormat,
        /// Write to FILE instead of stdout.
        #[arg(short, long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        filter: HistoryFilterArgs,
    },
}

#[derive(Debug, Args)]
pub struct RateArgs {
    /// Job id (or a unique prefix).
    pub id: String,
    /// 1 to 5 stars; 0 removes the rating.
    #[arg(
        value_name = "N",
        value_parser = clap::value_parser!(u8).range(0..=5),
        required_unless_present_any = ["clear", "note"],
        conflicts_with = "clear"
    )]
    pub rating: Option<u8>,
    /// A one-line note kept with the job (an empty text removes it).
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// Remove the rating and the note.
    #[arg(long, conflicts_with = "note")]
    pub clear: bool,
    #[command(flatten)]
    pub demo: DemoHistory,
}

#[derive(Debug, Args)]
pub struct FakeFalArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Switch a fault on, e.g. `submit:429:2`, `stream:drop:1`, `any:reset`, `status:stall=5s`,
    /// `file:no-range:100`, `file:drip=20s`, `file:huge-length`, `file:html`,
    /// `stream:huge-event=16MB`, `submit:huge-detail` (README: "What each fault does to a job").
    #[arg(long = "fault", value_name = "SPEC")]
    pub faults: Vec<i2v_sim::FaultSpec>,
    /// Mix terminal escape sequences and control characters into the logs.
    #[arg(long)]
    pub hostile_logs: bool,
    /// Milliseconds a job waits in the queue.
    #[arg(long, default_value_t = 1000)]
    pub queue_ms: u64,
    /// Milliseconds a job runs.
    #[arg(long, default_value_t = 5000)]
    pub run_ms: u64,
    /// Milliseconds between log lines.
    #[arg(long, default_value_t = 400)]
    pub log_ms: u64,
    /// Milliseconds a request takes to show in fal's records (the Platform API's list).
    #[arg(long, default_value_t = 2000)]
    pub list_lag_ms: u64,
    /// Only accept this key (default: any key).
    #[arg(long)]
    pub key: Option<String>,
}
