//! Frame strips made in the background, one at a time, on a thread of their own: as soon as
//! a job's video is downloaded (so the strip is usually ready before anyone looks), and when
//! a view asks for one (that request goes first). A strip is a whole decoding pass, about a
//! second of one core for a 6 s 1080p result, so strips are never made two at once and the
//! UI task never waits for one.
//!
//! The CLI's `submit` does not make strips: it would pay that second per job for pictures
//! nobody may look at; the workbench makes them when it sees a job finish (or the first time
//! a strip is wanted, for jobs finished elsewhere).

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use i2v_video::{Frame, ThumbCache};

/// A finished strip (or why there is none), for the job it was asked for.
pub type StripResult = Result<Arc<[Frame; 3]>, String>;

/// Hands strips to whoever made the maker (e.g. the runtime, which turns them into messages).
pub type OnStrip = Box<dyn Fn(String, StripResult) + Send>;

pub struct StripMaker {
    queue: Arc<Queue>,
}

struct Queue {
    state: Mutex<State>,
    wake: Condvar,
}

#[derive(Default)]
struct State {
    /// (job id, video file, whether anyone waits for the answer); served from the front.
    waiting: VecDeque<Request>,
    closed: bool,
}

struct Request {
    job: String,
    video: PathBuf,
    wanted: bool,
}

impl StripMaker {
    /// Starts the thread; strips go to `on_strip` as they are made.
    pub fn new(thumbs: ThumbCache, on_strip: OnStrip) -> std::io::Result<StripMaker> {
        let queue = Arc::new(Queue {
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
        });
        let worker = queue.clone();
        std::thread::Builder::new()
            .name("i2v-strips".into())
            .spawn(move || worker.serve(&thumbs, &on_strip))?;
        Ok(StripMaker { queue })
    }

    /// A job's video was just downloaded: make its strip when nothing more urgent waits.
    /// Nothing is reported for it unless it fails... or unless someone asks meanwhile.
    pub fn warm(&self, job: &str, video: &Path) {
        self.push(job, video, false);
    }

    /// A view wants this job's strip: before any warming, answered through `on_strip`
    /// (at once from the cache when it is there).
    pub fn want(&self, job: &str, video: &Path) {
        self.push(job, video, true);
    }

    fn push(&self, job: &str, video: &Path, wanted: bool) {
        let mut state = self.queue.lock();
        if let Some(at) = state.waiting.iter().position(|r| r.job == job) {
            // Already waiting: a want moves it to the front.
            if wanted && let Some(mut request) = state.waiting.remove(at) {
                request.wanted = true;
                state.waiting.push_front(request);
            }
            return;
        }
        let request = Request {
            job: job.to_owned(),
            video: video.to_path_buf(),
            wanted,
        };
        if wanted {
            state.waiting.push_front(request);
        } else {
            state.waiting.push_back(request);
        }
        drop(state);
        self.queue.wake.notify_one();
    }
}

impl Drop for StripMaker {
    fn drop(&mut self) {
        // The strip being made is finished (and cached); the rest are left.
        self.queue.lock().closed = true;
        self.queue.wake.notify_one();
    }
}

impl Queue {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn serve(&self, thumbs: &ThumbCache, on_strip: &OnStrip) {
        loop {
            let request = {
                let mut state = self.lock();
                loop {
                    if state.closed {
                        return;
                    }
                    if let Some(request) = state.waiting.pop_front() {
                        break request;
                    }
                    state = self
                        .wake
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner);
                }
            };
            let made = thumbs
                .strip(&request.job, &request.video)
                .map(Arc::new)
                .map_err(|err| err.to_string());
            if let Err(err) = &made {
                tracing::warn!(job = %request.job, error = %err, "could not make the frame strip");
            }
            if request.wanted || made.is_err() {
                on_strip(request.job, made);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;

    fn sample() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/sim/assets/sample.mp4")
    }

    fn maker(dir: &Path) -> (StripMaker, mpsc::Receiver<(String, StripResult)>) {
        let (tx, rx) = mpsc::channel();
        let tx = Mutex::new(tx);
        let maker = StripMaker::new(
            ThumbCache::new(dir.join("thumbs")),
            Box::new(move |job, strip| {
                let _ = tx.lock().unwrap().send((job, strip));
            }),
        )
        .unwrap();
        (maker, rx)
    }

    #[test]
    fn warming_caches_quietly_and_a_want_is_answered() {
        let dir = tempfile::tempdir().unwrap();
        let (maker, rx) = maker(dir.path());
        maker.warm("job1", &sample());
        maker.want("job2", &sample());
        let (job, strip) = rx.recv_timeout(Duration::from_secs(20)).unwrap();
        assert_eq!(job, "job2");
        assert_eq!(strip.unwrap().each_ref().map(|f| f.index), [0, 6, 11]);
        // job1 is made after, and only cached.
        let cache = ThumbCache::new(dir.path().join("thumbs"));
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while cache.cached("job1").is_none() {
            assert!(
                std::time::Instant::now() < deadline,
                "job1 was never warmed"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(rx.try_recv().is_err(), "a warm-up reports nothing");
    }

    #[test]
    fn a_broken_video_is_reported_even_when_only_warmed() {
        let dir = tempfile::tempdir().unwrap();
        let (maker, rx) = maker(dir.path());
        maker.warm("gone", &dir.path().join("missing.mp4"));
        let (job, strip) = rx.recv_timeout(Duration::from_secs(20)).unwrap();
        assert_eq!(job, "gone");
        assert!(strip.unwrap_err().contains("missing.mp4"));
    }
}
