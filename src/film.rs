//! Films of jobs: which shots make one (a chain, or jobs listed in order), what keeps a job out
//! of one, fetching videos never downloaded, and where films go in the data dir. Joining is
//! `i2v-film`'s; the command line and the workbench both come through here.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};
use i2v_fal::{Download, FalClient};
use i2v_film::{Film, FilmError, GifOptions, Problem};
use i2v_store::{JobId, JobRecord, JobState, Store, Takes};

use crate::text::{printable_url, sanitize};

/// `<data dir>/films`: films written without a path of their own.
pub fn films_dir(store: &Store) -> PathBuf {
    store.root().join("films")
}

/// The chain of shots that ends at `last`: every shot it continues, first shot first, then
/// `last` itself.
pub fn chain_ending_at(store: &Store, last: JobRecord) -> anyhow::Result<Vec<JobRecord>> {
    let mut seen: HashSet<JobId> = HashSet::from([last.id.clone()]);
    let mut chain = vec![last];
    while let Some(before) = chain.last().and_then(|shot| shot.continues.clone()) {
        let after = chain.last().map(|shot| shot.id.clone());
        if !seen.insert(before.clone()) {
            // Only a hand-edited history can do this; a film of it would never end.
            bail!("job {before} continues a shot that continues it: its chain goes round");
        }
        let record = store.load(&before).map_err(|err| {
            let after = after.map(|id| id.to_string()).unwrap_or_default();
            anyhow!("job {after} continues job {before}, which cannot be read: {err}")
        })?;
        chain.push(record);
    }
    chain.reverse();
    Ok(chain)
}

/// The film a chain makes through a shot: `to_it` (the chain that ends at the shot, first
/// shot first), then on from the shot, one shot at a time: where several takes continue a
/// shot, the take chosen for it (`takes`), else the first shot (`next` gives them oldest
/// first, as `]` opens them). A take chosen and since removed counts as none chosen.
pub fn film_through(
    to_it: Vec<JobId>,
    takes: &Takes,
    next: impl Fn(&JobId) -> Vec<JobId>,
) -> Vec<JobId> {
    let mut seen: HashSet<JobId> = to_it.iter().cloned().collect();
    let mut film = to_it;
    while let Some(last) = film.last() {
        let after = next(last);
        let chosen = takes
            .after(last)
            .filter(|take| after.contains(take))
            .or_else(|| after.first());
        // A hand-edited history could go round; a shot is in a film once.
        match chosen {
            Some(take) if seen.insert(take.clone()) => film.push(take.clone()),
            _ => break,
        }
    }
    film
}

/// The film of the chain `shot` is in, as the storyboard shows it: through `shot`, then on by
/// the takes chosen (see [`film_through`]). Reads the whole history to find the shots that
/// continue each one.
pub fn chain_film(store: &Store, shot: JobRecord) -> anyhow::Result<Vec<JobRecord>> {
    let to_it: Vec<JobId> = chain_ending_at(store, shot)?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let takes = store.takes()?;
    let mut jobs = store.history().jobs;
    jobs.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    let mut next: std::collections::HashMap<JobId, Vec<JobId>> = Default::default();
    for job in jobs {
        if let Some(before) = job.continues {
            next.entry(before).or_default().push(job.id);
        }
    }
    let ids = film_through(to_it, &takes, |id| {
        next.get(id).cloned().unwrap_or_default()
    });
    records(store, &ids)
}

/// Where a shot's video is, or that it must be fetched first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Footage {
    /// Downloaded, at this path.
    Here(PathBuf),
    /// Never downloaded (or its file has gone), and fal has it at this URL.
    Fetch(String),
}

/// Where `record`'s video is, or why it cannot be in a film (a message naming the job).
pub fn footage(record: &JobRecord) -> Result<Footage, String> {
    if record.state != JobState::Completed {
        return Err(format!(
            "job {} is {}: only completed shots go into a film",
            record.id,
            record.state.label()
        ));
    }
    let result = record.result.as_ref();
    if let Some(file) = result.and_then(|r| r.local_file.as_deref())
        && file.exists()
    {
        return Ok(Footage::Here(file.to_path_buf()));
    }
    match result.map(|r| r.url.as_str()).filter(|url| !url.is_empty()) {
        Some(url) => Ok(Footage::Fetch(url.to_owned())),
        None => Err(format!(
            "job {} has no downloaded video, and no URL to fetch one from",
            record.id
        )),
    }
}

/// Downloads `record`'s video from `url` into the data dir's videos/ and records it there, as
/// a finished job's download would have; `progress` hears bytes received of the total (when
/// fal says it). Returns the file.
pub async fn fetch(
    client: &FalClient,
    store: &Store,
    record: &JobRecord,
    url: &str,
    progress: impl FnMut(u64, Option<u64>) + Send,
) -> anyhow::Result<PathBuf> {
    let dest = store.videos_dir().join(format!("{}.mp4", record.id));
    tokio::fs::create_dir_all(store.videos_dir())
        .await
        .with_context(|| format!("could not create {}", store.videos_dir().display()))?;
    let expected_size = record.result.as_ref().and_then(|r| r.file_size);
    let job = Download {
        url,
        dest: &dest,
        expected_size,
    };
    let size = client.download(job, progress).await.map_err(|err| {
        // A link fal no longer answers for (its videos are kept for a while, not forever)
        // is said as such: no retry will bring it back.
        let gone = err.is_not_found() || matches!(err, i2v_fal::FalError::DownloadRefused { .. });
        anyhow!(
            "job {}'s video could not be fetched{} from {}: {}",
            record.id,
            if gone {
                ": fal no longer has it (its link has expired)"
            } else {
                ""
            },
            printable_url(url),
            sanitize(&err.to_string())
        )
    })?;
    let path = dest.clone();
    store
        .update(&record.id, move |saved| {
            if let Some(result) = &mut saved.result {
                result.local_file = Some(path);
                result.local_size = Some(size);
            }
        })
        .with_context(|| format!("job {}'s video was fetched, but not recorded", record.id))?;
    Ok(dest)
}

/// How fetching the videos of a film's shots never downloaded goes (see [`videos`]).
#[derive(Debug, Clone, Copy)]
pub enum Fetching<'a> {
    /// The `n`-th video of `count` to fetch starts: `record`'s, the film's shot `place` (from
    /// 1) of `of`.
    Shot {
        record: &'a JobRecord,
        place: usize,
        of: usize,
        n: usize,
        count: usize,
    },
    /// Bytes of that video received, of the total when fal says it.
    Bytes(u64, Option<u64>),
    /// That video is saved here.
    Saved(&'a Path),
}

/// The videos of `shots` on disk, in film order, fetching first those never downloaded (or
/// whose files have gone) as a finished job's download would have; `heard` hears how that
/// goes. Every shot is checked before anything is fetched, and `client` is asked for only
/// when a video must be fetched (a film of downloaded shots needs no key and no network).
/// Refusals and failures name the job. `i2v film` and the workbench both come through here.
pub async fn videos<B, Fut>(
    store: &Store,
    shots: &[JobRecord],
    client: impl FnOnce() -> Fut,
    mut heard: impl FnMut(Fetching<'_>) + Send,
) -> anyhow::Result<Vec<PathBuf>>
where
    B: std::borrow::Borrow<FalClient>,
    Fut: Future<Output = anyhow::Result<B>>,
{
    let mut files = Vec::with_capacity(shots.len());
    let mut missing = Vec::new();
    for (i, shot) in shots.iter().enumerate() {
        match footage(shot).map_err(anyhow::Error::msg)? {
            Footage::Here(path) => files.push(Some(path)),
            Footage::Fetch(url) => {
                files.push(None);
                missing.push((i, url));
            }
        }
    }
    if !missing.is_empty() {
        let client = client().await?;
        let count = missing.len();
        for (n, (i, url)) in missing.into_iter().enumerate() {
            let Some(record) = shots.get(i) else { continue };
            heard(Fetching::Shot {
                record,
                place: i + 1,
                of: shots.len(),
                n: n + 1,
                count,
            });
            let file = fetch(client.borrow(), store, record, &url, |got, total| {
                heard(Fetching::Bytes(got, total));
            })
            .await?;
            heard(Fetching::Saved(&file));
            if let Some(slot) = files.get_mut(i) {
                *slot = Some(file);
            }
        }
    }
    Ok(files.into_iter().flatten().collect())
}

/// For the workbench, before it joins the shots `ids` (the film's from its `from`-th, of
/// `of`): fetches the videos never downloaded, as `i2v film` does, `going` hearing how
/// (`fetching shot 2 of 3's video, 1.2 MB of 3.4 MB`) at most ten times a second besides
/// each video's start. `client` is asked for only when one must be fetched.
pub async fn fetch_missing(
    store: &Store,
    ids: &[JobId],
    from: usize,
    of: usize,
    client: impl FnOnce() -> anyhow::Result<FalClient>,
    mut going: impl FnMut(String) + Send,
) -> anyhow::Result<()> {
    let (reader, wanted) = (store.clone(), ids.to_vec());
    // Reading the records is file I/O: off the async threads.
    let shots = tokio::task::spawn_blocking(move || records(&reader, &wanted))
        .await
        .context("the shots' records could not be read")??;
    let mut last = std::time::Instant::now();
    let mut shot = String::new();
    videos(
        store,
        &shots,
        || std::future::ready(client()),
        |heard| match heard {
            Fetching::Shot { place, .. } => {
                shot = format!("fetching shot {} of {of}'s video", from + place);
                last = std::time::Instant::now();
                going(format!("{shot} (never downloaded)"));
            }
            Fetching::Bytes(got, total) => {
                if last.elapsed() >= std::time::Duration::from_millis(100) {
                    last = std::time::Instant::now();
                    let size = crate::byte_size::human_size;
                    going(match total {
                        Some(total) => format!("{shot}, {} of {}", size(got), size(total)),
                        None => format!("{shot}, {}", size(got)),
                    });
                }
            }
            Fetching::Saved(_) => {}
        },
    )
    .await
    .map(drop)
}

/// How far writing a film has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Bytes of an MP4 written, of the total.
    Bytes(u64, u64),
    /// Frames of a GIF made, of about how many there will be.
    Frames(usize, usize),
}

/// Writes `film` to `out` (beside it first, renamed once whole): an MP4, or an animated GIF
/// when `gif`; `progress` hears how far it came. Says what was written (`320×180, 48
/// frames`). A GIF decodes every frame, seconds of work: call it off any async thread.
pub fn write(
    film: &Film,
    out: &Path,
    gif: bool,
    progress: &mut dyn FnMut(Written),
) -> Result<String, FilmError> {
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|err| FilmError::Write {
            path: dir.to_path_buf(),
            source: err,
        })?;
    }
    if gif {
        let made = film.save_gif(out, GifOptions::default(), &mut |done, total| {
            progress(Written::Frames(done, total));
        })?;
        Ok(format!(
            "{}×{}, {} frames",
            made.width, made.height, made.frames
        ))
    } else {
        let info = film.info();
        film.save(out, &mut |done, total| {
            progress(Written::Bytes(done, total))
        })?;
        Ok(format!(
            "{}×{}, {} frames",
            info.width, info.height, info.frames
        ))
    }
}

/// Whether `path` asks for an animated GIF (its extension says so).
pub fn is_gif(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("gif"))
}

/// `1 shot, 6.0 s` / `4 shots, 24.0 s`.
pub fn summary(info: &i2v_film::FilmInfo) -> String {
    let shots = match info.shots {
        1 => "1 shot".to_owned(),
        n => format!("{n} shots"),
    };
    format!("{shots}, {:.1} s", info.duration.as_secs_f64())
}

/// The shots' videos on disk, in film order, or why a shot cannot be in a film (naming the
/// job). A shot never downloaded is refused too, saying what fetches it: for what does not
/// fetch (the storyboard's lengths; the workbench's joins, after [`fetch_missing`]).
pub fn files_on_disk(shots: &[JobRecord]) -> Result<Vec<PathBuf>, String> {
    shots
        .iter()
        .map(|shot| match footage(shot)? {
            Footage::Here(path) => Ok(path),
            Footage::Fetch(_) => Err(format!(
                "job {}'s video was never downloaded: playing or exporting the film (or `i2v \
                 film {}`) fetches it first",
                shot.id,
                shots.last().map(|s| s.id.to_string()).unwrap_or_default()
            )),
        })
        .collect()
}

/// The records of `ids`, in that order, as the store has them now.
pub fn records(store: &Store, ids: &[JobId]) -> anyhow::Result<Vec<JobRecord>> {
    ids.iter()
        .map(|id| {
            store
                .load(id)
                .map_err(|err| anyhow!("job {id} cannot be read: {err}"))
        })
        .collect()
}

/// Where the workbench writes the film it plays, in the films dir (replaced by the next).
pub const PLAYING_FILE: &str = ".playing.mp4";

/// The shots `ids` joined into one MP4 for the workbench to play, and where each shot starts
/// in it. Refused as `i2v film` refuses, naming the job; a shot never downloaded is refused
/// too, not fetched ([`fetch_missing`] first). Under a second for ten 1080p shots.
pub fn join_to_play(
    store: &Store,
    ids: &[JobId],
) -> anyhow::Result<(PathBuf, Vec<std::time::Duration>)> {
    let shots = records(store, ids)?;
    let files = files_on_disk(&shots).map_err(anyhow::Error::msg)?;
    let film = Film::plan(&files).map_err(|err| refusal(err, &shots))?;
    let out = films_dir(store).join(PLAYING_FILE);
    write(&film, &out, false, &mut |_| {}).map_err(|err| refusal(err, &shots))?;
    Ok((out, film.info().shot_starts))
}

/// Writes the shots `ids` as one film, as `i2v film` does (to `path`, or the data dir's films/
/// when `None`; a `.gif` path an animated GIF), `going` hearing how far it came at most ten
/// times a second. Says where it went and what it is (`4 shots, 24.0 s, 320×180, 96
/// frames`). Shots never downloaded are refused, not fetched ([`fetch_missing`] first).
pub fn export(
    store: &Store,
    ids: &[JobId],
    path: Option<PathBuf>,
    going: &mut dyn FnMut(String),
) -> anyhow::Result<(PathBuf, String)> {
    let shots = records(store, ids)?;
    let files = files_on_disk(&shots).map_err(anyhow::Error::msg)?;
    let film = Film::plan(&files).map_err(|err| refusal(err, &shots))?;
    let gif = path.as_deref().is_some_and(is_gif);
    let out = output_path(store, &shots, gif, path);
    let summary = summary(&film.info());
    let mut last = std::time::Instant::now();
    let written = write(&film, &out, gif, &mut |written| {
        if last.elapsed() >= std::time::Duration::from_millis(100) {
            last = std::time::Instant::now();
            going(match written {
                Written::Frames(done, total) => format!("GIF frame {done} of about {total}"),
                Written::Bytes(done, total) => format!(
                    "{} of {}",
                    crate::byte_size::human_size(done),
                    crate::byte_size::human_size(total)
                ),
            });
        }
    })
    .map_err(|err| refusal(err, &shots))?;
    Ok((out, format!("{summary}, {written}")))
}

/// How long each of the shots `ids` is, read from their videos' indexes (the frames are not
/// decoded), or why they cannot make a film (naming the job).
pub fn lengths(store: &Store, ids: &[JobId]) -> anyhow::Result<Vec<std::time::Duration>> {
    let shots = records(store, ids)?;
    let files = files_on_disk(&shots).map_err(anyhow::Error::msg)?;
    let info = Film::plan(&files)
        .map_err(|err| refusal(err, &shots))?
        .info();
    let ends = info.shot_starts.iter().skip(1).chain([&info.duration]);
    Ok(info
        .shot_starts
        .iter()
        .zip(ends)
        .map(|(start, end)| end.saturating_sub(*start))
        .collect())
}

/// `<data dir>/films/<first job>-<n>-shots.mp4` (or `.gif`): the same shots give the same
/// name, so a film made again replaces the one before.
pub fn default_path(store: &Store, shots: &[JobRecord], gif: bool) -> PathBuf {
    let first = shots.first().map(|s| s.id.to_string()).unwrap_or_default();
    let last = shots.last().map(|s| s.id.to_string()).unwrap_or_default();
    let extension = if gif { "gif" } else { "mp4" };
    let name = if shots.len() == 1 {
        format!("{first}.{extension}")
    } else {
        format!("{first}-to-{last}-{}-shots.{extension}", shots.len())
    };
    films_dir(store).join(name)
}

/// Where a film goes when the user names `path`: into it, under the default name, when it is
/// a directory.
pub fn output_path(
    store: &Store,
    shots: &[JobRecord],
    gif: bool,
    path: Option<PathBuf>,
) -> PathBuf {
    let default = default_path(store, shots, gif);
    match path {
        Some(dir) if dir.is_dir() => match default.file_name() {
            Some(name) => dir.join(name),
            None => dir,
        },
        Some(path) => path,
        None => default,
    }
}

/// The joiner's refusal in the user's terms: which job, and why.
pub fn refusal(error: FilmError, shots: &[JobRecord]) -> anyhow::Error {
    match error {
        FilmError::Shot(shot) => {
            let job = shots
                .get(shot.index)
                .map(|s| format!("job {}", s.id))
                .unwrap_or_else(|| format!("shot {}", shot.index + 1));
            let video = shot.path.display();
            match &shot.problem {
                Problem::OtherSize {
                    width,
                    height,
                    first_width,
                    first_height,
                } => anyhow!(
                    "{job}: its video is {width}×{height}, and the first shot \
                     {first_width}×{first_height}: the shots of a film share one frame size"
                ),
                problem => anyhow!("{job}: its video {video} cannot go into a film: {problem}"),
            }
        }
        other => anyhow!(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn a_film_goes_on_from_its_shot_by_the_takes_chosen_else_the_first() {
        // a → b1 → c, a → b2 → d (b1 shot before b2); x stands alone.
        let [a, b1, b2, c, d, x] = [(); 6].map(|()| JobId::new());
        let next: HashMap<JobId, Vec<JobId>> = HashMap::from([
            (a.clone(), vec![b1.clone(), b2.clone()]),
            (b1.clone(), vec![c.clone()]),
            (b2.clone(), vec![d.clone()]),
        ]);
        let after = |id: &JobId| next.get(id).cloned().unwrap_or_default();
        let mut takes = Takes::default();
        assert_eq!(
            film_through(vec![a.clone()], &takes, after),
            [a.clone(), b1.clone(), c.clone()],
            "no choice: the first take"
        );
        takes.choose(a.clone(), b2.clone());
        assert_eq!(
            film_through(vec![a.clone()], &takes, after),
            [a.clone(), b2.clone(), d.clone()]
        );
        // Through a shot, the chain to it stands whatever was chosen before it.
        assert_eq!(
            film_through(vec![a.clone(), b1.clone()], &takes, after),
            [a.clone(), b1.clone(), c.clone()]
        );
        // A choice of a take no longer there is no choice.
        takes.choose(a.clone(), x.clone());
        assert_eq!(film_through(vec![a.clone()], &takes, after), [a, b1, c]);
        assert_eq!(film_through(vec![x.clone()], &takes, after), [x]);
    }

    #[test]
    fn a_chain_that_goes_round_ends() {
        let [a, b] = [(); 2].map(|()| JobId::new());
        let next = |id: &JobId| vec![if *id == a { b.clone() } else { a.clone() }];
        assert_eq!(
            film_through(vec![a.clone()], &Takes::default(), next),
            [a, b]
        );
    }
}
