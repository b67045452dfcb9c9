//! Frames of jobs' videos: which file a job's frames come from, where saved frames and
//! cached thumbnails go in the data dir. Decoding itself is `i2v-video`'s; nothing here
//! knows the UI, which will call [`strip`] off its own task.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use i2v_store::{JobRecord, JobState, Store};
use i2v_video::{Frame, Position, ThumbCache, Video};

use crate::text::{printable_url, sanitize};

/// `<data dir>/frames`: frames saved as PNG by `i2v frame` and by chained shots.
pub fn frames_dir(store: &Store) -> PathBuf {
    store.root().join("frames")
}

/// `<data dir>/thumbs`: the cached strips.
pub fn thumbs(store: &Store) -> ThumbCache {
    ThumbCache::new(store.root().join("thumbs"))
}

/// The downloaded video of a finished job, if it has one; cheap enough to ask while
/// drawing ([`video_file`] says why there is none).
pub fn local_video(record: &JobRecord) -> Option<&Path> {
    if record.state != JobState::Completed {
        return None;
    }
    record.result.as_ref()?.local_file.as_deref()
}

/// The downloaded video of a job, or why there is none (and, when fal has it, that it
/// needs downloading first).
pub fn video_file(record: &JobRecord) -> anyhow::Result<&Path> {
    if let Some(file) = local_video(record) {
        return Ok(file);
    }
    if record.state != JobState::Completed {
        bail!(
            "job {} is {}: it has no video to take frames from",
            record.id,
            record.state.label()
        );
    }
    let result = record.result.as_ref();
    let why = if record.no_download {
        "it ran with downloads off".to_owned()
    } else if let Some(error) = &record.error {
        format!("its download failed: {}", sanitize(&error.message))
    } else {
        "it was not downloaded".to_owned()
    };
    match result.map(|r| r.url.as_str()).filter(|url| !url.is_empty()) {
        Some(url) => bail!(
            "job {} has no downloaded video ({why}); download it first: it is at {}",
            record.id,
            printable_url(url)
        ),
        None => bail!("job {} has no downloaded video ({why})", record.id),
    }
}

/// First, middle and last frame of a finished job, as thumbnails: decoded in one pass the
/// first time, read from `<data dir>/thumbs` after that.
pub fn strip(store: &Store, record: &JobRecord) -> anyhow::Result<[Frame; 3]> {
    let cache = thumbs(store);
    if let Some(strip) = cache.cached(record.id.as_str()) {
        return Ok(strip);
    }
    Ok(cache.strip(record.id.as_str(), video_file(record)?)?)
}

/// Saves one frame of a job's video as a PNG at the video's own size: to `out`, or to
/// `<data dir>/frames/<job id>-<position>.png`. Returns where it went.
pub fn save_frame(
    store: &Store,
    record: &JobRecord,
    position: Position,
    out: Option<PathBuf>,
) -> anyhow::Result<PathBuf> {
    let video = Video::open(video_file(record)?)?;
    let frame = video
        .frames(&[position])?
        .pop()
        .context("the decoder returned no frame")?;
    let out = match out {
        Some(path) => path,
        None => {
            let dir = frames_dir(store);
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("could not create {}", dir.display()))?;
            dir.join(format!("{}-{}.png", record.id, position.slug()))
        }
    };
    frame.save_png(&out, video.path())?;
    Ok(out)
}

/// Makes frame strips in the background, cached in `<data dir>/thumbs` within
/// `max_thumbs_bytes`; strips somebody asked for go to `on_strip`.
pub fn strip_maker(
    store: &Store,
    max_thumbs_bytes: u64,
    on_strip: crate::preview::OnStrip,
) -> std::io::Result<crate::preview::StripMaker> {
    crate::preview::StripMaker::new(thumbs(store).with_limit(max_thumbs_bytes), on_strip)
}

/// For the runtime, when it sees a job finish with its video on disk: the strip is made in
/// the background then, so it is usually ready before anyone looks. Jobs without a local
/// video are left alone.
pub fn warm_strip(strips: &crate::preview::StripMaker, record: &JobRecord) {
    if let Ok(file) = video_file(record) {
        strips.warm(record.id.as_str(), file);
    }
}
