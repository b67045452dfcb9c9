//! Films of jobs: which shots make one (a chain, or jobs listed in order), what keeps a job out
//! of one, fetching videos never downloaded, and where films go in the data dir. Joining is
//! `i2v-film`'s; the command line and the workbench both come through here.

use std::collections::HashSet;
use std::path::PathBuf;

use anyhow::{Context, anyhow, bail};
use i2v_fal::{Download, FalClient};
use i2v_film::{FilmError, Problem};
use i2v_store::{JobId, JobRecord, JobState, Store};

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
        anyhow!(
            "job {}'s video could not be fetched from {}: {}",
            record.id,
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
