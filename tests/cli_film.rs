//! `i2v film`: chained or listed shots joined into one MP4 (or a GIF) by the real binary, on
//! jobs run against the simulated fal; refusals that name the job and write nothing; shots
//! never downloaded fetched first.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Duration;

use i2v_store::{JobRecord, JobState, Store};
use i2v_video::Video;
use support::{Sandbox, Sim, quick};

const IMAGE_URL: &str = "https://example.com/frame.png";

fn shot_asset(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/film/tests/assets")
        .join(name)
}

/// 320×180, 24 frames at 24 fps, High profile with B-frames: yellow, then magenta.
fn yellow() -> PathBuf {
    shot_asset("shot_high_a_320x180.mp4")
}
/// The same size and settings: cyan, then orange.
fn cyan() -> PathBuf {
    shot_asset("shot_high_b_320x180.mp4")
}
/// The same size, Main profile: purple, then lime.
fn purple() -> PathBuf {
    shot_asset("shot_main_320x180.mp4")
}

/// Three jobs on the simulated fal, each continuing the one before (`submit
/// --from-last-frame`), oldest first.
fn chain_of_three(sandbox: &Sandbox) -> Vec<JobRecord> {
    sandbox
        .submit("a boat leaves", IMAGE_URL, &[])
        .expect_code(0);
    let mut chain = vec![sandbox.only_record()];
    for prompt in ["the boat at sea", "the boat arrives"] {
        let before = chain.last().unwrap().id.to_string();
        sandbox
            .run(&["submit", "--prompt", prompt, "--from-last-frame", &before])
            .expect_code(0);
        let next = sandbox
            .records()
            .into_iter()
            .find(|r| r.continues.as_ref().map(|c| c.as_str()) == Some(before.as_str()))
            .unwrap();
        assert_eq!(next.state, JobState::Completed);
        chain.push(next);
    }
    chain
}

/// Puts `asset` where `record`'s downloaded video is, so its shots can be told apart (the
/// simulated fal gives every job the same video).
fn film_as(record: &JobRecord, asset: &Path) {
    let file = record.result.as_ref().unwrap().local_file.as_ref().unwrap();
    std::fs::copy(asset, file).unwrap();
}

/// The centre pixel of every frame of a video, in display order.
fn centres(path: &Path) -> Vec<[u8; 3]> {
    let video = Video::open(path).unwrap();
    let mut centres = Vec::new();
    video
        .each_picture(|picture| {
            let image = picture.to_rgb();
            centres.push(image.get_pixel(image.width() / 2, image.height() / 2).0);
            ControlFlow::Continue(())
        })
        .unwrap();
    centres
}

#[track_caller]
fn assert_near(actual: [u8; 3], expected: [u8; 3], what: &str) {
    let close = actual
        .iter()
        .zip(expected)
        .all(|(&a, e)| (i16::from(a) - i16::from(e)).abs() <= 16);
    assert!(close, "{what}: got {actual:?}, expected about {expected:?}");
}

const YELLOW: [u8; 3] = [255, 255, 0];
const PURPLE: [u8; 3] = [128, 0, 128];
const CYAN: [u8; 3] = [0, 255, 255];

/// Files under the data dir's films/ (none when it does not exist).
fn films(sandbox: &Sandbox) -> Vec<PathBuf> {
    match std::fs::read_dir(sandbox.data_dir().join("films")) {
        Ok(dir) => dir.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn the_chain_that_ends_at_a_job_plays_first_shot_first() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    let chain = chain_of_three(&sandbox);
    for (shot, asset) in chain.iter().zip([yellow(), purple(), cyan()]) {
        film_as(shot, &asset);
    }

    let last = &chain[2].id.as_str()[..12];
    let run = sandbox.run(&["film", last]);
    run.expect_code(0).expect_stderr("3 shots, 3.0 s");
    let path = PathBuf::from(run.stdout.trim());
    assert_eq!(
        path,
        sandbox
            .data_dir()
            .join("films")
            .join(format!("{}-to-{}-3-shots.mp4", chain[0].id, chain[2].id))
    );
    let info = Video::open(&path).unwrap().info().clone();
    assert_eq!((info.width, info.height, info.frame_count), (320, 180, 72));
    assert_eq!(info.duration, Duration::from_secs(3));
    let centres = centres(&path);
    assert_near(centres[0], YELLOW, "the first shot");
    assert_near(centres[24], PURPLE, "the second shot");
    assert_near(centres[48], CYAN, "the third shot");

    // From the middle: the chain that ends there.
    let run = sandbox.run(&["film", chain[1].id.as_str(), "-o", "two.mp4"]);
    run.expect_code(0);
    let two = sandbox.root().join("two.mp4");
    assert_eq!(PathBuf::from(run.stdout.trim()), PathBuf::from("two.mp4"));
    let centres = self::centres(&two);
    assert_eq!(centres.len(), 48);
    assert_near(centres[24], PURPLE, "the middle shot last");
}

#[test]
fn listed_jobs_join_in_the_order_given() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    let chain = chain_of_three(&sandbox);
    for (shot, asset) in chain.iter().zip([yellow(), purple(), cyan()]) {
        film_as(shot, &asset);
    }
    let out = sandbox.root().join("out");
    std::fs::create_dir(&out).unwrap();
    // A directory takes the default name; a job may come twice.
    let ids = [
        chain[2].id.as_str(),
        chain[0].id.as_str(),
        chain[2].id.as_str(),
    ];
    let run = sandbox.run(&["film", ids[0], ids[1], ids[2], "-o", out.to_str().unwrap()]);
    run.expect_code(0);
    let path = PathBuf::from(run.stdout.trim());
    assert_eq!(path.parent(), Some(out.as_path()));
    let centres = centres(&path);
    assert_eq!(centres.len(), 72);
    assert_near(centres[0], CYAN, "first listed");
    assert_near(centres[24], YELLOW, "second listed");
    assert_near(centres[48], CYAN, "third listed");
}

#[test]
fn gif_writes_an_animated_gif_at_most_480_wide() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    sandbox
        .submit("a boat leaves", IMAGE_URL, &[])
        .expect_code(0);
    let job = sandbox.only_record();
    // The simulated fal's own video: 640×360, 12 frames at 12 fps.
    let run = sandbox.run(&["film", job.id.as_str(), "--gif"]);
    run.expect_code(0);
    let path = PathBuf::from(run.stdout.trim());
    assert_eq!(
        path,
        sandbox
            .data_dir()
            .join("films")
            .join(format!("{}.gif", job.id))
    );
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..6], b"GIF89a");
    let le = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]);
    assert_eq!((le(6), le(8)), (480, 270), "boxed down to 480 wide");
    // Each frame starts with a graphic control block (0x21 0xF9): one per frame kept.
    let frames = bytes
        .windows(3)
        .filter(|w| w == &[0x21, 0xf9, 0x04])
        .count();
    assert_eq!(frames, 12);
    run.expect_stderr("480×270, 12 frames");
}

/// Runs `i2v film args…` expecting a refusal that says `says`, and checks nothing was written.
#[track_caller]
fn assert_refused(sandbox: &Sandbox, args: &[&str], says: &str) {
    let out = sandbox.root().join("refused.mp4");
    let mut all = vec!["film"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-o", out.to_str().unwrap()]);
    sandbox.run(&all).expect_code(2).expect_stderr(says);
    assert!(!out.exists(), "{} was written", out.display());
    let left: Vec<_> = std::fs::read_dir(sandbox.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("refused"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    assert!(films(sandbox).is_empty());
}

#[test]
fn shots_that_cannot_be_joined_are_refused_by_job_and_nothing_is_written() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    let chain = chain_of_three(&sandbox);
    for (shot, asset) in chain.iter().zip([yellow(), purple(), cyan()]) {
        film_as(shot, &asset);
    }
    let store = Store::open(sandbox.data_dir()).unwrap();
    let (first, middle, last) = (&chain[0], &chain[1], &chain[2]);
    let last_id = last.id.as_str();

    // Another frame size than the first shot's (the simulated fal's own 640×360 video).
    let middle_file = middle.result.as_ref().unwrap().local_file.clone().unwrap();
    std::fs::write(&middle_file, support::sample_mp4()).unwrap();
    assert_refused(
        &sandbox,
        &[last_id],
        &format!(
            "job {}: its video is 640×360, and the first shot 320×180",
            middle.id
        ),
    );

    // A video that cannot be read.
    std::fs::write(&middle_file, b"<html>gateway timeout</html>").unwrap();
    assert_refused(
        &sandbox,
        &[last_id],
        &format!(
            "job {}: its video {} cannot go into a film: not a readable MP4",
            middle.id,
            middle_file.display()
        ),
    );

    // Cut short.
    let whole = std::fs::read(purple()).unwrap();
    std::fs::write(&middle_file, &whole[..whole.len() / 2]).unwrap();
    assert_refused(&sandbox, &[last_id], "is cut short");
    std::fs::copy(purple(), &middle_file).unwrap();

    // Not completed.
    store
        .update(&first.id, |r| r.state = JobState::Failed)
        .unwrap();
    assert_refused(
        &sandbox,
        &[last_id],
        &format!(
            "job {} is failed: only completed shots go into a film",
            first.id
        ),
    );
    store
        .update(&first.id, |r| r.state = JobState::Completed)
        .unwrap();

    // No downloaded video, and nothing to fetch it from.
    store
        .update(&first.id, |r| {
            let result = r.result.as_mut().unwrap();
            result.local_file = None;
            result.url = String::new();
        })
        .unwrap();
    assert_refused(
        &sandbox,
        &[last_id],
        &format!(
            "job {} has no downloaded video, and no URL to fetch one from",
            first.id
        ),
    );
    // Listed without it, the others join.
    sandbox
        .run(&["film", middle.id.as_str(), last_id, "-o", "fine.mp4"])
        .expect_code(0);

    // A job that is not there.
    assert_refused(
        &sandbox,
        &["01ZZZZZZZZZZZZZZZZZZZZZZZZ"],
        "01ZZZZZZZZZZZZZZZZZZZZZZZZ",
    );
}

#[test]
fn shots_never_downloaded_are_fetched_first_with_progress_on_stderr() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    sandbox
        .submit("a boat leaves", IMAGE_URL, &[])
        .expect_code(0);
    let first = sandbox.only_record();
    sandbox
        .submit("the boat at sea", IMAGE_URL, &["--no-download"])
        .expect_code(0);
    let second = sandbox
        .records()
        .into_iter()
        .find(|r| r.id != first.id)
        .unwrap();
    assert!(second.result.as_ref().unwrap().local_file.is_none());

    let run = sandbox.run(&["film", first.id.as_str(), second.id.as_str()]);
    run.expect_code(0)
        .expect_stderr(&format!(
            "fetching job {}'s video (1 of 1, never downloaded)",
            second.id
        ))
        .expect_stderr("saved ");
    let path = PathBuf::from(run.stdout.trim());
    assert_eq!(Video::open(&path).unwrap().info().frame_count, 24);
    // Fetched as a download would have: recorded with the job, kept for next time.
    let store = Store::open(sandbox.data_dir()).unwrap();
    let fetched = store.load(&second.id).unwrap();
    let file = fetched.result.unwrap().local_file.unwrap();
    assert_eq!(std::fs::read(&file).unwrap(), support::sample_mp4());
    sandbox
        .run(&[
            "film",
            first.id.as_str(),
            second.id.as_str(),
            "-o",
            "again.mp4",
        ])
        .expect_code(0);

    // A video fal no longer has: refused, naming the job, nothing written.
    store
        .update(&second.id, |r| {
            let result = r.result.as_mut().unwrap();
            result.local_file = None;
            result.url = format!("{}/files/gone/output.mp4", sim.url());
        })
        .unwrap();
    std::fs::remove_file(&file).unwrap();
    let out = sandbox.root().join("gone.mp4");
    sandbox
        .run(&[
            "film",
            first.id.as_str(),
            second.id.as_str(),
            "-o",
            out.to_str().unwrap(),
        ])
        .expect_code(2)
        .expect_stderr(&format!("job {}'s video could not be fetched", second.id));
    assert!(!out.exists());
}

#[test]
fn film_needs_no_key_when_every_shot_is_downloaded() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    sandbox
        .submit("a boat leaves", IMAGE_URL, &[])
        .expect_code(0);
    let job = sandbox.only_record();
    let mut offline = sandbox;
    offline.unset("FAL_KEY");
    offline.unset("I2V_QUEUE_URL");
    offline.unset("I2V_REST_URL");
    drop(sim);
    let run = offline.run(&["film", job.id.as_str(), "-o", "alone.mp4"]);
    run.expect_code(0);
    assert_eq!(
        Video::open(offline.root().join("alone.mp4"))
            .unwrap()
            .info()
            .frame_count,
        12
    );
}

#[test]
fn chain_id_is_the_whole_chain_on_by_the_take_chosen() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    let chain = chain_of_three(&sandbox);
    // A second take of the second shot: it continues the first shot too.
    let first = chain[0].id.to_string();
    sandbox
        .run(&[
            "submit",
            "--prompt",
            "the boat sinks",
            "--from-last-frame",
            &first,
        ])
        .expect_code(0);
    let take = sandbox
        .records()
        .into_iter()
        .find(|r| r.input.prompt == "the boat sinks")
        .unwrap();
    for (shot, asset) in chain.iter().zip([yellow(), purple(), cyan()]) {
        film_as(shot, &asset);
    }
    film_as(&take, &cyan());

    // No take chosen: the first one shot, then on to the chain's end, from any of its shots.
    for from in [&chain[0], &chain[1]] {
        let run = sandbox.run(&["film", &format!("chain:{}", &from.id.as_str()[..12])]);
        run.expect_code(0).expect_stderr("3 shots, 3.0 s");
        let centres = centres(Path::new(run.stdout.trim()));
        assert_near(centres[24], PURPLE, "the first take");
        assert_near(centres[48], CYAN, "the chain's end");
    }

    // The other take chosen (as the storyboard does): the film goes through it.
    let store = Store::open(sandbox.data_dir()).unwrap();
    store.choose_take(&chain[0].id, &take.id).unwrap();
    let run = sandbox.run(&["film", &format!("chain:{first}"), "-o", "taken.mp4"]);
    run.expect_code(0).expect_stderr("2 shots, 2.0 s");
    let centres = centres(&sandbox.root().join("taken.mp4"));
    assert_eq!(centres.len(), 48);
    assert_near(centres[0], YELLOW, "the first shot");
    assert_near(centres[24], CYAN, "the take chosen");

    sandbox
        .run(&["film", "chain:nosuchjob"])
        .expect_code(2)
        .expect_stderr("nosuchjob");
}

/// Issue 21 §4–5: a FIFO or a link to `/dev/zero` where a shot's video should be is refused
/// at once, naming the job, for an MP4 and a GIF: opening the FIFO blocked `i2v film` for
/// good.
#[cfg(unix)]
#[test]
fn a_shot_that_is_no_file_is_refused_without_waiting() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    sandbox
        .submit("a boat leaves", IMAGE_URL, &[])
        .expect_code(0);
    let job = sandbox.only_record();
    let file = job.result.as_ref().unwrap().local_file.clone().unwrap();
    for gif in [false, true] {
        for fifo in [true, false] {
            std::fs::remove_file(&file).unwrap();
            if fifo {
                let made = std::process::Command::new("mkfifo").arg(&file).status();
                assert!(made.unwrap().success());
            } else {
                std::os::unix::fs::symlink("/dev/zero", &file).unwrap();
            }
            let out = sandbox
                .root()
                .join(if gif { "refused.gif" } else { "refused.mp4" });
            let mut args = vec!["film", job.id.as_str(), "-o", out.to_str().unwrap()];
            if gif {
                args.push("--gif");
            }
            let what = format!("film (gif: {gif}) of a shot that is a FIFO ({fifo})");
            support::finish_or_kill(sandbox.spawn(&args), &what)
                .expect_code(2)
                .expect_stderr(&format!("job {}", job.id))
                .expect_stderr("not a regular file");
            assert!(!out.exists(), "{what}");
        }
    }
}
