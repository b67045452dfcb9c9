//! Thumbnails of the strip (first, middle, last frame), kept on disk so a second look costs
//! a file read instead of a decoding pass.
//!
//! One file a job, `<dir>/<key>-strip.thumb`: three small JPEGs under a checked header
//! ([`format`]), under 100 KB in all. The directory is bounded ([`bound`]): past its limit,
//! the strips used least lately go. A file that does not check out counts as missing and is
//! made again; the raw files of earlier versions are read once and rewritten small
//! ([`legacy`]).

mod bound;
mod format;
mod legacy;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use crate::error::{Problem, VideoError};
use crate::frame::Frame;
use crate::position::Position;
use crate::video::{Video, open_regular, read_within};

/// What `thumbs/` may hold unless told otherwise: about 5,000 jobs' strips.
pub const DEFAULT_LIMIT: u64 = 500 << 20;

/// Where thumbnails live, e.g. `<data dir>/thumbs`. Clones share one count of what the
/// directory holds.
#[derive(Debug, Clone)]
pub struct ThumbCache {
    dir: PathBuf,
    max_width: u32,
    max_height: u32,
    bound: Arc<bound::Bound>,
}

impl ThumbCache {
    /// Thumbnails fit in 480×270: a 1080p frame at a quarter of its width, enough for a
    /// terminal's graphics and plenty for halfblocks. Bounded to [`DEFAULT_LIMIT`].
    pub fn new(dir: impl Into<PathBuf>) -> ThumbCache {
        ThumbCache {
            dir: dir.into(),
            max_width: 480,
            max_height: 270,
            bound: Arc::new(bound::Bound::new(DEFAULT_LIMIT)),
        }
    }

    /// The same cache holding at most `bytes` (0: strips are made but not kept).
    pub fn with_limit(mut self, bytes: u64) -> ThumbCache {
        self.bound = Arc::new(bound::Bound::new(bytes));
        self
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn limit(&self) -> u64 {
        self.bound.limit()
    }

    /// Where the strip of `key` is kept.
    pub fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}-strip.thumb"))
    }

    /// First, middle and last frame of `video`, as thumbnails: from the cache under `key`
    /// when it is there, else from one decoding pass, then cached.
    pub fn strip(&self, key: &str, video: &Path) -> Result<[Frame; 3], VideoError> {
        if let Some(strip) = self.cached(key) {
            return Ok(strip);
        }
        let frames = Video::open(video)?.frames(&Position::STRIP)?;
        let thumbs: Vec<Frame> = frames
            .iter()
            .map(|f| f.thumbnail(self.max_width, self.max_height))
            .collect();
        let thumbs = <[Frame; 3]>::try_from(thumbs).map_err(|_| {
            VideoError::new(
                video,
                Problem::Corrupt("the strip did not come out whole".into()),
            )
        })?;
        Ok(self.keep(key, thumbs))
    }

    /// The strip if it is cached and sound (or was, in the raw files of earlier versions).
    pub fn cached(&self, key: &str) -> Option<[Frame; 3]> {
        match read_and_touch(&self.path(key)) {
            Some(bytes) => format::decode(&bytes),
            None => self.migrate_legacy(key),
        }
    }

    /// Writes `strip` under `key`, and returns it as it reads back (JPEG is lossy: the first
    /// look shows what every later look will). A cache that cannot be written only costs
    /// speed next time.
    fn keep(&self, key: &str, strip: [Frame; 3]) -> [Frame; 3] {
        if self.limit() == 0 {
            return strip;
        }
        let bytes = match format::encode(&strip) {
            Ok(bytes) => bytes,
            Err(err) => {
                tracing::warn!(key, error = %err, "could not encode a strip to cache");
                return strip;
            }
        };
        let Some(kept) = format::decode(&bytes) else {
            return strip;
        };
        let path = self.path(key);
        let stored = self.write(&path, &bytes).and_then(|()| {
            self.bound
                .added(&self.dir, &path, bytes.len() as u64)
                .map(drop)
        });
        if let Err(err) = stored {
            tracing::warn!(dir = %self.dir.display(), error = %err, "could not cache a strip");
        }
        kept
    }

    fn write(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        // Written aside, then renamed: a reader never sees half a file.
        let partial = path.with_extension(format!("{}.partial", std::process::id()));
        std::fs::write(&partial, bytes)?;
        std::fs::rename(&partial, path).inspect_err(|_| {
            let _ = std::fs::remove_file(&partial);
        })
    }

    /// An earlier version's raw files: read, written again small, and removed (when they
    /// do not check out, only removed).
    fn migrate_legacy(&self, key: &str) -> Option<[Frame; 3]> {
        let paths = legacy::paths(&self.dir, key);
        if !paths.iter().any(|p| p.exists()) {
            return None;
        }
        let strip = legacy::load(&self.dir, key);
        let kept = strip.map(|strip| self.keep(key, strip));
        for path in paths {
            let _ = std::fs::remove_file(path);
        }
        kept
    }
}

/// Far past any strip (under 100 KB) or an earlier version's raw frame: a larger file at a
/// cache file's path is none of ours.
pub(crate) const MAX_CACHE_FILE: u64 = 64 << 20;

/// The file's bytes, its time set to now so the bound sees it was used. A file that cannot
/// be opened for writing (a read-only data dir) is read all the same. Only a regular file
/// within [`MAX_CACHE_FILE`]: a FIFO at the path would block the read for good, a link to
/// `/dev/zero` read until memory runs out.
fn read_and_touch(path: &Path) -> Option<Vec<u8>> {
    let file = open_regular(path, true)
        .or_else(|_| open_regular(path, false))
        .ok()?;
    let _ = file.set_modified(SystemTime::now());
    read_within(file, MAX_CACHE_FILE).ok()
}

#[cfg(test)]
mod tests {
    use image::{Rgb, RgbImage};

    use super::*;

    fn strip(colour: [u8; 3]) -> [Frame; 3] {
        Position::STRIP.map(|position| Frame {
            index: 3,
            position,
            image: RgbImage::from_pixel(480, 270, Rgb(colour)),
        })
    }

    #[test]
    fn old_raw_files_are_read_once_then_kept_small() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ThumbCache::new(dir.path());
        legacy::store(dir.path(), "job", &strip([200, 20, 20]));
        let raw: u64 = legacy::paths(dir.path(), "job")
            .iter()
            .map(|p| std::fs::metadata(p).unwrap().len())
            .sum();
        assert!(raw > 1_000_000, "{raw}");

        let strip = cache.cached("job").expect("read from the raw files");
        let [r, g, b] = strip[1].mean_rgb(0.5);
        assert!(
            r.abs_diff(200) + g.abs_diff(20) + b.abs_diff(20) <= 3,
            "{r} {g} {b}"
        );
        assert!(legacy::paths(dir.path(), "job").iter().all(|p| !p.exists()));
        let small = std::fs::metadata(cache.path("job")).unwrap().len();
        assert!(small < 20_000, "a flat colour in {small} bytes");
        assert_eq!(cache.cached("job"), Some(strip));
    }

    #[test]
    fn broken_raw_files_are_removed_and_count_as_missing() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ThumbCache::new(dir.path());
        legacy::store(dir.path(), "job", &strip([0, 0, 0]));
        let [_, middle, _] = legacy::paths(dir.path(), "job");
        std::fs::write(&middle, b"I2VTHMB1 cut").unwrap();
        assert!(cache.cached("job").is_none());
        assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
    }

    #[test]
    fn a_cache_of_limit_zero_keeps_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ThumbCache::new(dir.path()).with_limit(0);
        let kept = cache.keep("job", strip([1, 2, 3]));
        assert_eq!(kept, strip([1, 2, 3]));
        assert!(cache.cached("job").is_none());
    }

    #[test]
    fn a_full_cache_drops_the_strips_used_least_lately() {
        let dir = tempfile::tempdir().unwrap();
        let one = {
            let probe = ThumbCache::new(dir.path().join("probe"));
            probe.keep("x", strip([9, 9, 9]));
            std::fs::metadata(probe.path("x")).unwrap().len()
        };
        // Room for three strips; nine tenths of it hold two.
        let cache = ThumbCache::new(dir.path().join("thumbs")).with_limit(one * 3 + one / 2);
        for (key, age) in [("a", 300), ("b", 200), ("c", 100)] {
            cache.keep(key, strip([9, 9, 9]));
            backdate(&cache.path(key), age);
        }
        // a is looked at, so b is now the one used least lately.
        assert!(cache.cached("a").is_some());
        cache.keep("d", strip([9, 9, 9]));
        let kept: Vec<bool> = ["a", "b", "c", "d"]
            .iter()
            .map(|k| cache.path(k).exists())
            .collect();
        assert_eq!(kept, [true, false, true, true]);
    }

    /// Issue 21 §4–5: a FIFO or a link to `/dev/zero` where a strip (or an earlier
    /// version's raw frame) should be counts as missing, where the read blocked for good or
    /// ran until memory did out; a file far too large is not read either.
    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_device_in_the_cache_counts_as_missing() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ThumbCache::new(dir.path());
        std::fs::create_dir_all(dir.path()).unwrap();
        let fifo = |path: &Path| {
            let made = std::process::Command::new("mkfifo").arg(path).status();
            assert!(made.unwrap().success());
        };
        fifo(&cache.path("a"));
        std::os::unix::fs::symlink("/dev/zero", cache.path("b")).unwrap();
        std::fs::File::create(cache.path("c"))
            .unwrap()
            .set_len(MAX_CACHE_FILE + 1)
            .unwrap();
        let [first, second, third] = legacy::paths(dir.path(), "d");
        fifo(&first);
        std::os::unix::fs::symlink("/dev/zero", second).unwrap();
        std::fs::write(third, b"x").unwrap();
        // On a thread, so that a read which blocks fails the test instead of hanging it.
        let (tx, rx) = std::sync::mpsc::channel();
        let looking = cache.clone();
        std::thread::spawn(move || {
            let found: Vec<bool> = ["a", "b", "c", "d"]
                .iter()
                .map(|key| looking.cached(key).is_some())
                .collect();
            let _ = tx.send(found);
        });
        let found = rx
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("a look at the cache blocked");
        assert_eq!(found, [false; 4]);
    }

    /// Sets a file's time `age` seconds back, as if it had been used then.
    fn backdate(path: &Path, age: u64) {
        let when = SystemTime::now() - std::time::Duration::from_secs(age);
        std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(when)
            .unwrap();
    }
}
