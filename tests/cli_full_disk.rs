//! The real binary on a data dir that fills up: a small tmpfs, mounted by the test when it
//! may (root, and mounts allowed). Where it may not, each test says so and passes; the same
//! outcomes are shown everywhere through the store's injected write failures
//! (`engine_full_disk`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use std::fs::File;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use i2v_sim::SimConfig;
use i2v_store::{JobState, SubmitSent};
use support::{Sandbox, Sim, fixture, quick};

/// A tmpfs mounted over a fresh directory, unmounted on drop.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// `None` (with a note) where this test may not mount one.
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let mounted = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !mounted {
            eprintln!("skipped: cannot mount a tmpfs here (engine_full_disk covers this)");
            return None;
        }
        Some(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills the file system but for `free` bytes (rounded to pages), with one file.
    fn fill_leaving(&self, free: u64) -> PathBuf {
        let filler = self.path().join("filler");
        let mut file = File::create(&filler).unwrap();
        let block = vec![0u8; 64 * 1024];
        loop {
            match file.write(&block) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::StorageFull => break,
                Err(e) => panic!("filling the tmpfs: {e}"),
            }
        }
        // A partial last write may have taken part of a page: settle on whole ones.
        let _ = file.flush();
        let len = file.metadata().unwrap().len();
        file.set_len(len.saturating_sub(free) / 4096 * 4096)
            .unwrap();
        filler
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// A sandbox whose data dir is on `tmpfs`, with a log that takes no space (so the free space
/// left is the store's).
fn sandbox_on(tmpfs: &Tmpfs, sim: &Sim) -> Sandbox {
    let mut sandbox = Sandbox::new(&sim.url());
    let data = tmpfs.path().join("data");
    sandbox.set("I2V_DATA_DIR", data.to_str().unwrap());
    sandbox.set("I2V_LOG", "off");
    // The config's price: fal's price list, remembered in the data dir, would take the page
    // these tests leave free for the record.
    sandbox.write_config("price_per_video = 0.33\n");
    sandbox
}

fn records_in(data: &Path) -> Vec<i2v_store::JobRecord> {
    let Ok(entries) = std::fs::read_dir(data.join("jobs")) else {
        return Vec::new();
    };
    entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
        .collect()
}

#[test]
fn with_4_kb_free_a_local_image_is_never_paid_for() {
    let Some(tmpfs) = Tmpfs::mount("1m") else {
        return;
    };
    let sim = Sim::start(quick());
    let sandbox = sandbox_on(&tmpfs, &sim);
    // The store's directories first, then the disk fills: one page is left, enough for the
    // record's first write but not for a second beside it.
    sandbox.run(&["paths"]).expect_code(0);
    std::fs::create_dir_all(tmpfs.path().join("data/jobs")).unwrap();
    tmpfs.fill_leaving(4096);

    let run = sandbox.submit("a heron lifts off the water", fixture("frame.png"), &[]);

    assert_eq!(sim.count("submit"), 0, "{}", run.stderr);
    assert_ne!(run.code, Some(0));
    run.expect_stderr("nothing was sent to fal");
    run.expect_stderr("No space left on device");
    // What reached the disk says the job never went out; resuming it sends nothing.
    for record in records_in(&tmpfs.path().join("data")) {
        assert_eq!(record.submit_sent, SubmitSent::NotSent);
    }
    let _ = std::fs::remove_file(tmpfs.path().join("filler"));
    sandbox
        .run(&["resume"])
        .expect_code(1)
        .expect_stderr("nothing reached fal");
    assert_eq!(sim.count("submit"), 0);
}

#[test]
fn a_disk_that_fills_while_fal_works_loses_nothing_and_resume_fetches_the_video() {
    let Some(tmpfs) = Tmpfs::mount("4m") else {
        return;
    };
    // Long enough in the queue to fill the disk behind the job's back.
    let sim = Sim::start(SimConfig {
        queue_time: Duration::from_millis(1500),
        ..quick()
    });
    let sandbox = sandbox_on(&tmpfs, &sim);
    let data = tmpfs.path().join("data");
    let child = sandbox.spawn(&[
        "submit",
        "--prompt",
        "a heron lifts off the water",
        "--image",
        "https://example.com/frame.png",
    ]);
    let queued = wait_until(|| {
        records_in(&data)
            .into_iter()
            .find(|r| r.request.is_some() && matches!(r.state, JobState::Queued { .. }))
    });
    let filler = tmpfs.fill_leaving(0);
    // fal finishes the job while the disk is full: the video cannot be saved, nor can the
    // record; the run keeps trying to save it, and space comes back meanwhile.
    wait_until(|| (!sim.stats().completed_at.is_empty()).then_some(()));
    std::thread::sleep(Duration::from_millis(300));
    std::fs::remove_file(&filler).unwrap();
    let run = support::finish(child);

    run.expect_stderr("fal has this job (request");
    run.expect_stderr("record saved again");
    // Completed on fal, its video not here: saved as such, and the run says how to get it.
    let saved = records_in(&data).pop().unwrap();
    assert_eq!(saved.id, queued.id);
    assert_eq!(saved.state, JobState::Completed, "{}", run.stderr);
    assert!(saved.result.as_ref().unwrap().local_file.is_none());
    assert!(
        saved.error.as_ref().unwrap().message.contains("i2v resume"),
        "{:?}",
        saved.error
    );

    let resumed = sandbox.run(&["resume"]);
    resumed.expect_code(0);
    resumed.expect_stderr("fetching the video of 1 completed job again");
    let done = records_in(&data).pop().unwrap();
    assert!(done.error.is_none(), "{:?}", done.error);
    let video = done.result.unwrap().local_file.unwrap();
    assert_eq!(std::fs::read(video).unwrap(), support::sample_mp4());
    assert_eq!(sim.count("submit"), 1);
}

fn wait_until<T>(mut ready: impl FnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(found) = ready() {
            return found;
        }
        assert!(std::time::Instant::now() < deadline, "timed out");
        std::thread::sleep(Duration::from_millis(20));
    }
}
