//! `i2v history list` filters, `rm`, `prune` and `export`, through the real binary over a
//! history written beforehand. Needs no key and no fal.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;
mod tui_support;

use std::path::PathBuf;

use chrono::{Duration, Utc};
use i2v_store::{
    BatchId, ImageSource, JobError, JobInput, JobRecord, JobState, Rating, Store, VideoResult,
};
use serde_json::Value;
use support::Sandbox;

const MODEL: &str = "fal-ai/minimax/hailuo-2.3-fast/pro/image-to-video";

fn job(prompt: &str, state: JobState, days_ago: i64) -> JobRecord {
    let mut record = JobRecord::new(
        MODEL,
        JobInput {
            prompt: prompt.into(),
            image: ImageSource::Url {
                url: "https://example.com/a.png".into(),
            },
            prompt_optimizer: true,
        },
    );
    record.state = state;
    record.created_at = Utc::now() - Duration::days(days_ago) - Duration::minutes(1);
    record.updated_at = record.created_at;
    record
}

/// Saves `jobs` (and a video file for each completed one) into the sandbox's history.
fn history(sandbox: &Sandbox, jobs: Vec<JobRecord>) -> Vec<JobRecord> {
    let store = Store::open(sandbox.data_dir()).unwrap();
    jobs.into_iter()
        .map(|mut record| {
            if record.state == JobState::Completed {
                let video = store.videos_dir().join(format!("{}.mp4", record.id));
                std::fs::write(&video, b"not really a video").unwrap();
                record.result = Some(VideoResult {
                    url: format!("https://v3.fal.media/files/{}.mp4", record.id),
                    content_type: Some("video/mp4".into()),
                    file_name: None,
                    file_size: None,
                    local_file: Some(video),
                    local_size: Some(18),
                });
            }
            if record.state == JobState::Failed {
                record.error = Some(JobError {
                    kind: "model".into(),
                    message: "the model \u{1b}[31mfailed\u{1b}[0m".into(),
                });
            }
            store.save(&record).unwrap();
            record
        })
        .collect()
}

/// The ids on stdout's lines, in order.
fn listed(sandbox: &Sandbox, args: &[&str]) -> Vec<String> {
    let mut all = vec!["history", "list"];
    all.extend_from_slice(args);
    let run = sandbox.run(&all);
    run.expect_code(0);
    run.stdout
        .lines()
        .map(|l| l.split_whitespace().next().unwrap_or("").to_owned())
        .collect()
}

fn ids(jobs: &[&JobRecord]) -> Vec<String> {
    jobs.iter().map(|j| j.id.to_string()).collect()
}

#[test]
fn list_filters_by_status_date_and_text() {
    let sandbox = Sandbox::offline();
    let jobs = history(
        &sandbox,
        vec![
            job("a red FOX runs", JobState::Completed, 0),
            job("a grey fox sleeps", JobState::Failed, 3),
            job("an owl at dusk", JobState::Cancelled, 10),
            job("a fox in the snow", JobState::Completed, 40),
        ],
    );
    let [recent, failed, cancelled, old] = [&jobs[0], &jobs[1], &jobs[2], &jobs[3]];

    assert_eq!(
        listed(&sandbox, &[]),
        ids(&[recent, failed, cancelled, old])
    );
    assert_eq!(
        listed(&sandbox, &["--status", "completed"]),
        ids(&[recent, old])
    );
    assert_eq!(
        listed(&sandbox, &["--status", "failed", "--status", "cancelled"]),
        ids(&[failed, cancelled])
    );
    assert_eq!(listed(&sandbox, &["--since", "7d"]), ids(&[recent, failed]));
    let date = (Utc::now() - Duration::days(20))
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(
        listed(&sandbox, &["--since", &date]),
        ids(&[recent, failed, cancelled])
    );
    assert_eq!(
        listed(&sandbox, &["--grep", "Fox"]),
        ids(&[recent, failed, old])
    );
    assert_eq!(
        listed(
            &sandbox,
            &["--grep", "fox", "--status", "completed", "--since", "30d"]
        ),
        ids(&[recent])
    );

    let none = sandbox.run(&["history", "list", "--grep", "whale"]);
    none.expect_code(0).expect_stderr("no jobs match");
    assert!(none.stdout.is_empty());

    sandbox
        .run(&["history", "list", "--status", "sleeping"])
        .expect_code(2)
        .expect_stderr("sleeping");
    sandbox
        .run(&["history", "list", "--since", "last week"])
        .expect_code(2)
        .expect_stderr("not a date");
}

#[test]
fn list_filters_by_batch_and_rating() {
    let sandbox = Sandbox::offline();
    let batch = BatchId::new();
    let mut jobs = vec![
        job("fox, take 1", JobState::Completed, 0),
        job("fox, take 2", JobState::Completed, 1),
        job("owl", JobState::Completed, 2),
    ];
    jobs[0].batch = Some(batch.clone());
    jobs[1].batch = Some(batch.clone());
    jobs[0].rating = Rating::new(2);
    jobs[1].rating = Rating::new(5);
    jobs[2].rating = Rating::new(4);
    jobs[1].price_usd = Some(0.33);
    jobs[1].note = Some("keep: the light on the water is right".into());
    let jobs = history(&sandbox, jobs);

    let start = batch.as_str()[..20].to_ascii_lowercase();
    assert_eq!(
        listed(&sandbox, &["--batch", &start]),
        ids(&[&jobs[0], &jobs[1]])
    );
    assert_eq!(
        listed(&sandbox, &["--min-rating", "4"]),
        ids(&[&jobs[1], &jobs[2]])
    );
    assert_eq!(
        listed(&sandbox, &["--min-rating", "4", "--batch", batch.as_str()]),
        ids(&[&jobs[1]])
    );
    sandbox
        .run(&["history", "list", "--min-rating", "6"])
        .expect_code(2);
    // Defect: the lines showed neither stars nor note, even with --min-rating.
    let run = sandbox.run(&["history", "list", "--min-rating", "4"]);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].contains("★★★★★  "), "{}", run.stdout);
    assert!(
        lines[0].ends_with("“keep: the light on the water is right”"),
        "{}",
        run.stdout
    );
    assert!(lines[1].contains("★★★★☆  "), "{}", run.stdout);
    assert!(!lines[1].contains('“'), "{}", run.stdout);

    let run = sandbox.run(&["history", "list", "--json", "--min-rating", "5"]);
    let value: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value[0]["rating"], 5);
    assert_eq!(value[0]["batch"], batch.as_str());
    assert_eq!(value[0]["price_usd"], 0.33);
    assert_eq!(value[0]["note"], "keep: the light on the water is right");
}

#[test]
fn list_json_streams_summaries_and_full_records_on_request() {
    let sandbox = Sandbox::offline();
    let jobs = history(
        &sandbox,
        vec![
            job("a red fox", JobState::Completed, 0),
            job("a grey \u{9b}fox", JobState::Failed, 1),
        ],
    );

    let run = sandbox.run(&["history", "list", "--json"]);
    run.expect_code(0);
    assert!(!run.stdout.contains('\u{9b}'), "C1 control printed raw");
    let value: Value = serde_json::from_str(&run.stdout).unwrap();
    let items = value.as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], jobs[0].id.as_str());
    assert_eq!(items[0]["state"], "completed");
    assert_eq!(items[0]["prompt"], "a red fox");
    assert_eq!(items[0]["image"], "https://example.com/a.png");
    assert_eq!(items[0]["has_video"], true);
    assert_eq!(items[0]["has_file"], true);
    assert_eq!(items[1]["state"], "failed");
    assert_eq!(items[1]["prompt"], "a grey \u{9b}fox");
    assert_eq!(items[1]["error_kind"], "model");
    assert!(items[0].get("logs").is_none(), "a summary, not the record");

    let full = sandbox.run(&["history", "list", "--json", "--full", "--status", "failed"]);
    full.expect_code(0);
    let records: Vec<JobRecord> = serde_json::from_str(&full.stdout).unwrap();
    assert_eq!(records, [jobs[1].clone()]);

    let empty = sandbox.run(&["history", "list", "--json", "--grep", "whale"]);
    empty.expect_code(0);
    let value: Value = serde_json::from_str(&empty.stdout).unwrap();
    assert_eq!(value, serde_json::json!([]));
}

#[test]
fn list_keeps_its_index_and_sees_changes_made_behind_its_back() {
    let sandbox = Sandbox::offline();
    let jobs = history(&sandbox, vec![job("before", JobState::Completed, 0)]);
    sandbox.run(&["history", "list"]).expect_stdout("before");
    let index = sandbox.data_dir().join(i2v_store::INDEX_FILE);
    assert!(index.is_file(), "no index after a look");

    // Another process rewrites the record and adds one.
    let store = Store::open(sandbox.data_dir()).unwrap();
    store
        .update(&jobs[0].id, |r| r.input.prompt = "after".into())
        .unwrap();
    history(&sandbox, vec![job("added", JobState::Failed, 1)]);
    let run = sandbox.run(&["history", "list"]);
    run.expect_code(0);
    let prompts: Vec<&str> = run
        .stdout
        .lines()
        .map(|l| l.rsplit("  ").next().unwrap())
        .collect();
    assert_eq!(prompts, ["after", "added"]);

    // A damaged index is rebuilt, not believed.
    std::fs::write(&index, b"garbage").unwrap();
    let again = sandbox.run(&["history", "list"]);
    assert_eq!(again.stdout, run.stdout);
}

#[test]
fn rm_moves_jobs_and_videos_to_the_trash() {
    let sandbox = Sandbox::offline();
    let jobs = history(
        &sandbox,
        vec![
            job("keep", JobState::Completed, 0),
            job("trash me", JobState::Completed, 1),
            job("delete me", JobState::Failed, 2),
            job("still running", JobState::Running, 3),
        ],
    );
    let trashed = &jobs[1];
    let prefix = &trashed.id.as_str()[..20].to_ascii_lowercase();
    let run = sandbox.run(&["history", "rm", prefix]);
    run.expect_code(0).expect_stderr("moved job");
    let trash = sandbox.data_dir().join("trash").join(trashed.id.as_str());
    assert!(trash.join(format!("{}.json", trashed.id)).is_file());
    assert!(trash.join(format!("{}.mp4", trashed.id)).is_file());
    assert!(!video(&sandbox, trashed).exists());

    sandbox
        .run(&["history", "rm", "--purge", jobs[2].id.as_str()])
        .expect_code(0)
        .expect_stderr("deleted job");
    assert!(
        !sandbox
            .data_dir()
            .join("trash")
            .join(jobs[2].id.as_str())
            .exists()
    );

    // A running job is refused; an unknown id stops everything before anything is touched.
    let running = sandbox.run(&["history", "rm", jobs[3].id.as_str()]);
    running.expect_code(2).expect_stderr("running");
    let unknown = sandbox.run(&["history", "rm", jobs[0].id.as_str(), "0NOSUCHJOB"]);
    unknown.expect_code(2).expect_stderr("no job with id");

    assert_eq!(
        listed(&sandbox, &[]),
        ids(&[&jobs[0], &jobs[3]]),
        "the kept and the running job stay"
    );
    assert!(video(&sandbox, &jobs[0]).exists());
}

fn video(sandbox: &Sandbox, job: &JobRecord) -> PathBuf {
    sandbox
        .data_dir()
        .join("videos")
        .join(format!("{}.mp4", job.id))
}

#[test]
fn prune_lists_first_and_removes_only_with_consent() {
    let sandbox = Sandbox::offline();
    let jobs = history(
        &sandbox,
        vec![
            job("new failure", JobState::Failed, 1),
            job("old failure", JobState::Failed, 45),
            job("old success", JobState::Completed, 50),
            job("old but running", JobState::Running, 60),
        ],
    );
    let all = listed(&sandbox, &[]);

    let dry = sandbox.run(&[
        "history",
        "prune",
        "--older-than",
        "30d",
        "--status",
        "failed",
        "--dry-run",
    ]);
    dry.expect_code(0).expect_stderr("dry run: nothing removed");
    assert_eq!(dry.stdout.lines().count(), 1, "{}", dry.stdout);
    assert!(dry.stdout.contains(jobs[1].id.as_str()));
    assert_eq!(listed(&sandbox, &[]), all);

    // No terminal to ask on and no --yes: nothing happens.
    let unasked = sandbox.run(&["history", "prune", "--older-than", "30d"]);
    unasked.expect_code(2).expect_stderr("--yes");
    unasked.expect_stderr("1 unfinished job of that age left alone");
    assert_eq!(listed(&sandbox, &[]), all);

    let run = sandbox.run(&["history", "prune", "--older-than", "30d", "--yes"]);
    run.expect_code(0).expect_stderr("2 jobs moved to");
    assert_eq!(
        listed(&sandbox, &[]),
        ids(&[&jobs[0], &jobs[3]]),
        "recent and running jobs stay"
    );
    assert!(!video(&sandbox, &jobs[2]).exists());
}

/// A CSV export's header and rows.
fn csv_table(text: &str) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader.records().map(Result::unwrap).collect();
    (header, rows)
}

#[test]
fn export_writes_one_quoted_row_per_job() {
    let sandbox = Sandbox::offline();
    let jobs = history(
        &sandbox,
        vec![
            job("plain", JobState::Completed, 0),
            job(
                "a \"quoted\", comma\nsecond line \u{1b}]0;pwned\u{7}",
                JobState::Failed,
                1,
            ),
        ],
    );

    let run = sandbox.run(&["history", "export", "--format", "csv"]);
    run.expect_code(0);
    assert!(!run.raw_stdout.contains(&0x1b), "escape written raw");
    let (header, rows) = csv_table(&run.stdout);
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][column("id")], jobs[0].id.as_str());
    assert_eq!(&rows[0][column("state")], "completed");
    assert_eq!(
        &rows[0][column("video_url")],
        format!("https://v3.fal.media/files/{}.mp4", jobs[0].id)
    );
    assert!(rows[0][column("video_file")].ends_with(".mp4"));
    assert_eq!(&rows[0][column("image")], "https://example.com/a.png");
    assert_eq!(
        &rows[1][column("prompt")],
        "a \"quoted\", comma\nsecond line "
    );
    assert_eq!(&rows[1][column("error")], "the model failed");
    for name in ["created_at", "updated_at", "price_usd"] {
        column(name);
    }

    let out = sandbox.root().join("jobs.jsonl");
    let jsonl = sandbox.run(&[
        "history",
        "export",
        "--format",
        "jsonl",
        "--out",
        out.to_str().unwrap(),
        "--status",
        "failed",
    ]);
    jsonl.expect_code(0).expect_stderr("1 job written");
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["id"], jobs[1].id.as_str());
    assert_eq!(lines[0]["prompt"], jobs[1].input.prompt.as_str());
    assert_eq!(lines[0]["error_kind"], "model");
}

/// Issue 21 §7: a prompt, note or video URL that starts like a formula is written to CSV as
/// text (OWASP: a leading '), so a spreadsheet shows it instead of running it; JSONL keeps
/// every byte.
#[test]
fn csv_cells_that_start_like_formulas_are_text_and_jsonl_is_exact() {
    let sandbox = Sandbox::offline();
    let mut record = job(
        "=HYPERLINK(\"http://evil.example\",\"click\")",
        JobState::Completed,
        0,
    );
    record.note = Some("@SUM(1+1)*cmd|' /C calc'!A0".into());
    let jobs = history(&sandbox, vec![record]);
    let store = Store::open(sandbox.data_dir()).unwrap();
    let hostile_url = "-2+3+cmd|' /C calc'!A0";
    store
        .update(&jobs[0].id, |r| {
            r.result.as_mut().unwrap().url = hostile_url.into();
        })
        .unwrap();

    let run = sandbox.run(&["history", "export", "--format", "csv"]);
    run.expect_code(0);
    let (header, rows) = csv_table(&run.stdout);
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = &rows[0];
    assert_eq!(
        &row[column("prompt")],
        "'=HYPERLINK(\"http://evil.example\",\"click\")"
    );
    assert_eq!(&row[column("note")], "'@SUM(1+1)*cmd|' /C calc'!A0");
    assert!(
        row[column("video_url")].starts_with("'-2+3"),
        "{:?}",
        &row[column("video_url")]
    );
    assert_eq!(&row[column("image")], "https://example.com/a.png");

    let jsonl = sandbox.run(&["history", "export", "--format", "jsonl"]);
    let line: Value = serde_json::from_str(jsonl.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(line["prompt"], jobs[0].input.prompt.as_str());
    assert_eq!(line["note"], "@SUM(1+1)*cmd|' /C calc'!A0");
    assert_eq!(line["video_url"], hostile_url);
}

/// On a terminal, prune asks, and only "y" removes.
#[test]
fn prune_asks_on_a_terminal() {
    use tui_support::pty::{Pty, demo_env};
    let home = tempfile::tempdir().unwrap();
    let env = demo_env(home.path());
    let store = Store::open(home.path().join("data")).unwrap();
    let old = job("old failure", JobState::Failed, 45);
    store.save(&old).unwrap();
    let args = ["history", "prune", "--older-than", "30d"];

    for (answer, removed) in [("n", false), ("y", true)] {
        let mut pty = Pty::spawn(&args, &env, 100, 20);
        let screen = pty.wait_for("the question", |s| s.contains("[y/N]"));
        assert!(screen.contains(old.id.as_str()), "listed first:\n{screen}");
        pty.type_text(answer);
        pty.send(b"\r");
        assert!(pty.wait_exit().success(), "answer {answer}");
        assert_eq!(store.load(&old.id).is_err(), removed, "answer {answer}");
    }
}
