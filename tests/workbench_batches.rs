//! Many jobs at once in the workbench, driven like a user through the real event loop
//! against the simulated fal: a prompt matrix and repeats asked for with every prompt, the
//! count and the cost; the cap; marked history jobs re-run as one batch; what was spent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod tui_support;

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use i2v::ui::{Focus, Msg};
use i2v_sim::SimConfig;
use i2v_store::{ImageSource, JobInput, JobRecord, JobState, Store};
use tui_support::bench::{Harness, Setup};
use tui_support::keys::ctrl;

fn alt(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT))
}

fn completed(h: &Harness) -> Vec<JobRecord> {
    let mut records: Vec<JobRecord> = h
        .store()
        .list()
        .records
        .into_iter()
        .filter(|r| r.state == JobState::Completed)
        .collect();
    records.sort_by(|a, b| a.id.cmp(&b.id));
    records
}

async fn wait_completed(h: &mut Harness, n: usize) {
    h.wait_for(&format!("{n} completed jobs in the history"), |s| {
        s.pane_text("History")
            .lines()
            .filter(|row| row.contains("completed"))
            .count()
            == n
    })
    .await;
}

#[tokio::test]
async fn a_prompt_matrix_is_listed_with_its_cost_and_only_y_sends_it_as_one_batch() {
    let mut h = Harness::start().await;
    h.fill("a {red|blue} fox");
    h.send(alt('+'));
    let screen = h.screen();
    assert!(
        screen.contains("2 prompts ×2 = 4 jobs"),
        "the title shows the jobs:\n{screen}"
    );

    h.send(ctrl('s'));
    let screen = h.screen();
    for line in [
        "Send 4 jobs?",
        "4 jobs (2 prompts × 2 each), $1.32 at $0.33 a video",
        "1. a red fox  ×2",
        "2. a blue fox  ×2",
        "y: send them all",
    ] {
        assert!(screen.contains(line), "{line:?} missing:\n{screen}");
    }
    // Neither Enter nor another submit is a yes; n says no.
    h.press(KeyCode::Enter);
    h.send(ctrl('s'));
    assert!(h.screen().contains("Send 4 jobs?"));
    h.press(KeyCode::Char('n'));
    h.settle();
    let screen = h.screen();
    assert!(!screen.contains("Send 4 jobs?"), "{screen}");
    assert!(screen.status_bar().contains("Not submitted"), "{screen}");
    assert_eq!(h.sim.stats().requests, 0, "nothing may reach fal");

    h.send(ctrl('s'));
    h.press(KeyCode::Char('y'));
    wait_completed(&mut h, 4).await;
    let records = completed(&h);
    let prompts: Vec<&str> = records.iter().map(|r| r.input.prompt.as_str()).collect();
    assert_eq!(
        prompts,
        ["a red fox", "a red fox", "a blue fox", "a blue fox"]
    );
    let batch = records[0].batch.clone().expect("a batch id");
    assert!(records.iter().all(|r| r.batch.as_ref() == Some(&batch)));
    assert!(records.iter().all(|r| r.price_usd == Some(0.33)));
    assert_eq!(h.sim.stats().by_route.get("submit"), Some(&4));

    // The history shows the batch, the filter finds it, and the title what was spent.
    let tail = &batch.as_str()[batch.as_str().len() - 6..];
    let screen = h.screen();
    let history = screen.pane_text("History");
    assert_eq!(
        history
            .lines()
            .filter(|r| r.contains(&format!("⧉{tail}")))
            .count(),
        4,
        "{screen}"
    );
    assert!(
        screen.contains("spent $1.32 this session, $1.32 today"),
        "{screen}"
    );
    h.focus(Focus::History);
    h.press(KeyCode::Char('/'));
    h.type_text(&format!("batch:{}", tail.to_lowercase()));
    assert!(h.screen().contains("4/4 match"), "{}", h.screen());
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('/'));
    h.type_text("batch:zzzzzz");
    assert!(h.screen().contains("0/4 match"), "{}", h.screen());
}

#[tokio::test]
async fn batch_tags_keep_the_history_prompts_level_and_the_title_is_never_cut() {
    let mut h = Harness::start().await;
    h.submit_and_complete("a red fox").await;
    h.fill("a blue fox");
    h.send(alt('+'));
    // 80 columns: the prompt's title has no room for the $EDITOR reminder beside the
    // count, so it is left out rather than cut to "Ctrl-E".
    h.bench.terminal.backend_mut().resize(80, 24);
    h.send(Msg::Resize(80, 24));
    let screen = h.screen();
    let title = screen
        .rows()
        .into_iter()
        .find(|r| r.contains("Prompt ·"))
        .unwrap();
    assert!(title.contains("×2 = 2 jobs"), "{screen}");
    assert!(
        !title.contains("Ctrl-E") || title.contains("Ctrl-E $EDITOR"),
        "{screen}"
    );

    h.send(ctrl('s'));
    h.press(KeyCode::Char('y'));
    wait_completed(&mut h, 3).await;
    let screen = h.screen();
    let starts: Vec<usize> = screen
        .pane_text("History")
        .lines()
        .filter_map(|row| {
            let at = row.find("a red fox").or_else(|| row.find("a blue fox"))?;
            Some(row[..at].chars().count())
        })
        .collect();
    assert_eq!(starts.len(), 3, "{screen}");
    assert!(
        starts.windows(2).all(|w| w[0] == w[1]),
        "{starts:?}\n{screen}"
    );
}

#[tokio::test]
async fn a_long_prompt_in_the_batch_question_goes_on_under_its_own_start() {
    let mut h = Harness::start().await;
    h.bench.terminal.backend_mut().resize(80, 24);
    h.send(Msg::Resize(80, 24));
    h.fill("a slow dolly shot of a lighthouse at dusk, storm rolling in, waves crash on the rocks");
    h.send(alt('+'));
    h.send(ctrl('s'));
    let rows = question_box(&h, "Send 2 jobs?");
    let at = rows
        .iter()
        .position(|r| r.starts_with("1. a slow dolly"))
        .unwrap_or_else(|| panic!("{}", h.screen()));
    let next = &rows[at + 1];
    assert!(
        next.starts_with("   ") && !next[3..].starts_with(' '),
        "the prompt goes on under itself, not under its number:\n{}",
        h.screen()
    );
}

#[tokio::test]
async fn more_than_the_cap_or_a_broken_group_is_refused_where_the_user_looks() {
    let mut h = Harness::start().await;
    h.fill("a {red|blue fox");
    let screen = h.screen();
    assert!(
        screen.contains("{ at column 3 never closed"),
        "the prompt's title names it:\n{screen}"
    );
    h.send(ctrl('s'));
    let screen = h.screen();
    assert!(screen.status_bar().contains("is never closed"), "{screen}");

    h.fill("{a|b|c|d|e|f|g|h|i|j} {1|2|3|4|5|6}");
    h.send(ctrl('s'));
    h.settle();
    let screen = h.screen();
    assert!(
        screen
            .status_bar()
            .contains("60 jobs, more than the 50 allowed"),
        "{screen}"
    );
    assert!(!screen.contains("Send 60 jobs?"), "{screen}");
    assert_eq!(h.sim.stats().requests, 0, "nothing may reach fal");

    // Repeats count too, and Alt-- takes them back.
    h.fill("{a|b|c|d|e}");
    for _ in 0..10 {
        h.send(alt('='));
    }
    assert!(h.screen().contains("×11 = 55 jobs"), "{}", h.screen());
    h.send(alt('-'));
    assert!(h.screen().contains("×10 = 50 jobs"), "{}", h.screen());
    h.send(ctrl('s'));
    assert!(h.screen().contains("Send 50 jobs?"), "{}", h.screen());
    h.press(KeyCode::Esc);
    h.settle();
    assert_eq!(h.sim.stats().requests, 0);
}

#[tokio::test]
async fn marked_history_jobs_are_re_run_together_after_the_cost_confirm() {
    let mut h = Harness::start().await;
    for prompt in ["a heron lifts off", "city lights at dusk", "waves at night"] {
        h.submit_and_complete(prompt).await;
    }
    h.focus(Focus::History);
    h.press(KeyCode::Home);
    h.press(KeyCode::Char(' '));
    h.press(KeyCode::Down);
    h.press(KeyCode::Down);
    h.press(KeyCode::Char(' '));
    let screen = h.screen();
    assert!(screen.contains("2 marked"), "{screen}");
    assert_eq!(
        screen
            .pane_text("History")
            .lines()
            .filter(|r| r.contains('●'))
            .count(),
        2,
        "{screen}"
    );

    h.press(KeyCode::Char('r'));
    let screen = h.screen();
    for line in [
        "Send 2 jobs?",
        "2 marked jobs again, $0.66 at $0.33 a video",
        "1. waves at night · frame.png",
        "2. a heron lifts off · frame.png",
    ] {
        assert!(screen.contains(line), "{line:?} missing:\n{screen}");
    }
    h.press(KeyCode::Char('y'));
    wait_completed(&mut h, 5).await;
    let records = completed(&h);
    let rerun = &records[3..];
    let prompts: Vec<&str> = rerun.iter().map(|r| r.input.prompt.as_str()).collect();
    assert_eq!(prompts, ["waves at night", "a heron lifts off"]);
    assert!(rerun[0].batch.is_some());
    assert_eq!(rerun[0].batch, rerun[1].batch);
    assert!(records[..3].iter().all(|r| r.batch.is_none()));
    let screen = h.screen();
    assert!(!screen.contains("2 marked"), "sent marks go:\n{screen}");
    assert!(!screen.pane_text("History").contains('●'), "{screen}");
    assert!(screen.contains("spent $1.65 this session"), "{screen}");

    // Esc drops marks without sending anything.
    h.press(KeyCode::Char(' '));
    assert!(h.screen().contains("1 marked"));
    h.press(KeyCode::Esc);
    assert!(!h.screen().contains("1 marked"), "{}", h.screen());
}

/// Defect: `Send 1 jobs?`, `1 marked jobs again`, `Submitting 1 jobs…`, `· 1 chars`.
#[tokio::test]
async fn one_job_is_one_job() {
    let mut h = Harness::start().await;
    h.submit_and_complete("a").await;
    assert!(h.screen().contains("Prompt · 1 char "), "{}", h.screen());
    h.focus(Focus::History);
    h.press(KeyCode::Home);
    h.press(KeyCode::Char(' '));
    h.press(KeyCode::Char('r'));
    let screen = h.screen();
    for line in ["Send 1 job?", "1 marked job again, $0.33 at $0.33 a video"] {
        assert!(screen.contains(line), "{line:?} missing:\n{screen}");
    }
    h.press(KeyCode::Char('y'));
    let screen = h.screen();
    assert!(
        screen.status_bar().contains("Submitting 1 job…"),
        "{screen}"
    );
    wait_completed(&mut h, 2).await;
}

fn past_job(store: &Store, prompt: &str, ago: chrono::Duration, price: f64) {
    let mut record = JobRecord::new(
        "fal-ai/minimax/hailuo-2.3-fast/pro/image-to-video",
        JobInput {
            prompt: prompt.into(),
            image: ImageSource::Url {
                url: "https://example.com/a.png".into(),
            },
            prompt_optimizer: true,
        },
    );
    record.created_at = chrono::Utc::now() - ago;
    record.state = JobState::Completed;
    record.price_usd = Some(price);
    store.save(&record).unwrap();
}

#[tokio::test]
async fn spend_counts_this_session_and_today_at_the_recorded_prices() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let store = Store::open(dir.path().join("data")).unwrap();
    past_job(&store, "two days ago", chrono::Duration::days(2), 0.5);
    past_job(&store, "a moment ago", chrono::Duration::seconds(1), 0.25);
    let mut h = Harness::with(Setup {
        dir: Some(dir),
        ..Setup::new(SimConfig::fast())
    })
    .await;
    let screen = h.screen();
    assert!(
        screen.contains("spent $0.00 this session, $0.25 today"),
        "{screen}"
    );
    h.submit_and_complete("a fox runs").await;
    let screen = h.screen();
    assert!(
        screen.contains("spent $0.33 this session, $0.58 today"),
        "{screen}"
    );
}

#[tokio::test]
async fn the_detail_view_names_the_batch_and_the_price() {
    let mut h = Harness::start().await;
    h.fill("a {red|blue} fox");
    h.send(ctrl('s'));
    h.press(KeyCode::Char('y'));
    wait_completed(&mut h, 2).await;
    let batch = completed(&h)[0].batch.clone().unwrap();
    h.focus(Focus::History);
    h.press(KeyCode::Char('v'));
    let screen = h.screen();
    assert!(screen.contains(&format!("Batch      {batch}")), "{screen}");
    assert!(screen.contains("Price      $0.33"), "{screen}");
}

#[tokio::test]
async fn a_billing_pause_holds_back_a_confirmed_batch_too() {
    let mut h = Harness::start().await;
    h.sim
        .faults()
        .push(i2v_sim::Route::Submit, i2v_sim::Fault::Locked, 5);
    h.fill("a fox runs");
    h.send(ctrl('s'));
    h.wait_for("the billing banner", |s| s.contains("submits paused"))
        .await;
    h.fill("a {red|blue} fox");
    h.send(ctrl('s'));
    h.press(KeyCode::Char('y'));
    h.settle();
    let screen = h.screen();
    assert!(screen.status_bar().contains("Not submitted"), "{screen}");
    assert_eq!(h.sim.stats().by_route.get("submit"), Some(&1));
    assert_eq!(h.store().list().records.len(), 1, "no failed batch jobs");
}

/// Two jobs of one prompt finish: the message log (F3) tells their notices apart by the
/// tail of each job's id, not the same "✓ Job completed: <first line>" twice.
#[tokio::test]
async fn the_message_log_names_each_finished_job_by_its_id() {
    let mut h = Harness::start().await;
    h.fill("a red fox");
    h.send(alt('+'));
    h.send(ctrl('s'));
    h.press(KeyCode::Char('y'));
    wait_completed(&mut h, 2).await;
    h.press(KeyCode::F(3));
    let screen = h.screen();
    let log = screen.pane_text("Messages");
    for record in completed(&h) {
        let id = record.id.as_str();
        let tail = &id[id.len() - 6..];
        assert!(
            log.contains(&format!("Job …{tail} completed: a red fox")),
            "job {id} is named:\n{screen}"
        );
    }
}

/// The rows of the batch question's box, from its titled top border to its bottom one, each
/// from just inside its left border.
fn question_box(h: &Harness, title: &str) -> Vec<String> {
    let screen = h.screen();
    let rows = screen.rows();
    let corner = format!("┏ {title} ");
    let top = rows
        .iter()
        .position(|r| r.contains(&corner))
        .unwrap_or_else(|| panic!("no {title}:\n{screen}"));
    let at = rows[top].find(&corner).unwrap();
    let col = rows[top][..at].chars().count();
    let bottom = (top + 1..rows.len())
        .find(|&r| rows[r].chars().nth(col) == Some('┗'))
        .unwrap_or_else(|| panic!("no bottom border:\n{screen}"));
    // Each row from just inside the box's left border.
    rows[top..=bottom]
        .iter()
        .map(|r| r.chars().skip(col + 1).collect())
        .collect()
}

/// The batch question is as tall as what it lists, not the size of every view; listing
/// more than the screen holds, it is as tall as the screen allows and scrolls.
#[tokio::test]
async fn the_batch_question_is_as_tall_as_its_content_and_scrolls_when_longer() {
    let mut h = Harness::start().await;
    h.bench.terminal.backend_mut().resize(80, 24);
    h.send(Msg::Resize(80, 24));
    h.fill("a {red|blue} fox");
    h.send(ctrl('s'));
    let rows = question_box(&h, "Send 2 jobs?");
    // Summary, a blank row, the two prompts, a blank row, the answers: between borders.
    assert_eq!(rows.len(), 6 + 2, "{}", h.screen());
    assert!(
        rows[rows.len() - 2].contains("y: send them all"),
        "{}",
        h.screen()
    );
    h.press(KeyCode::Char('n'));

    let options: Vec<String> = (1..=30).map(|n| format!("fox {n}")).collect();
    h.fill(&format!("a {{{}}}", options.join("|")));
    h.send(ctrl('s'));
    let rows = question_box(&h, "Send 30 jobs?");
    assert!(rows.len() <= 24 * 84 / 100, "{}", h.screen());
    assert!(
        rows.last().unwrap().contains("[1/"),
        "it says it scrolls:\n{}",
        h.screen()
    );
    h.press(KeyCode::Char('G'));
    let rows = question_box(&h, "Send 30 jobs?");
    assert!(
        rows[rows.len() - 2].contains("y: send them all"),
        "{}",
        h.screen()
    );
}
