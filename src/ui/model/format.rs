//! Small pure helpers turning job data into short display text.

use chrono::{DateTime, Utc};
use unicode_width::UnicodeWidthChar;

use i2v_store::{JobRecord, JobState, Metrics};

use crate::jobs::Progress;
use crate::ui::model::book::Entry;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// A spinner frame for active jobs, a fixed mark for finished ones.
pub(crate) fn state_icon(state: &JobState, tick: u64) -> &'static str {
    match state {
        JobState::Completed => "✓",
        JobState::Failed => "✗",
        JobState::Cancelled => "⊘",
        JobState::MaybeSubmitted => "?",
        _ => spinner(tick),
    }
}

/// The spinner's frame at `tick`.
pub(crate) fn spinner(tick: u64) -> &'static str {
    SPINNER[(tick % SPINNER.len() as u64) as usize]
}

/// `queued, 3 ahead`, `running`, or what the engine says it is doing right now.
pub(crate) fn state_text(entry: &Entry, now: DateTime<Utc>) -> String {
    let state = &entry.record.state;
    // A job maybe sent stays so while fal's records are asked about it (at start, on
    // resume): it is being checked, not an error, until the check saves what it found.
    let checking = *state == JobState::MaybeSubmitted
        && matches!(entry.progress, Some(Progress::Checking { .. }))
        && entry
            .progress_at
            .is_some_and(|at| at >= entry.record.updated_at);
    if (!state.is_terminal() || checking)
        && let Some(progress) = &entry.progress
    {
        if let (Progress::Retrying { attempt, delay, .. }, Some(at)) = (progress, entry.progress_at)
        {
            // A long wait (a Retry-After from fal) counts down, so a quiet row is not mistaken
            // for a hung one.
            let waited = (now - at).to_std().unwrap_or_default();
            let left = delay.saturating_sub(waited).as_secs();
            if left >= 1 {
                return format!("retry #{attempt} in {left}s");
            }
        }
        return progress_text(progress);
    }
    state.describe()
}

pub(crate) fn progress_text(progress: &Progress) -> String {
    match progress {
        Progress::Uploading { bytes } => format!("uploading {}", bytes_text(*bytes)),
        Progress::Submitting => "submitting".to_owned(),
        Progress::Checking { .. } => "being checked on fal".to_owned(),
        Progress::Reconnecting { .. } => "reconnecting".to_owned(),
        Progress::Retrying { attempt, .. } => format!("retry #{attempt}"),
        Progress::Downloading {
            received,
            total: Some(total),
        } if *total > 0 => format!("downloading {}%", received.saturating_mul(100) / total),
        Progress::Downloading { received, .. } => format!("downloading {}", bytes_text(*received)),
        Progress::Downloaded { .. } => "downloaded".to_owned(),
    }
}

/// Seconds the job has taken: until now while active, until its last update once done.
pub(crate) fn elapsed_secs(record: &JobRecord, now: DateTime<Utc>) -> i64 {
    let end = if record.state.is_terminal() {
        record.updated_at
    } else {
        now
    };
    (end - record.created_at).num_seconds().max(0)
}

/// `mm:ss` (minutes keep counting past 59).
pub(crate) fn mm_ss(secs: i64) -> String {
    format!("{:02}:{:02}", secs / 60, secs % 60)
}

/// `just now`, `5m ago`, `3h ago`, `2d ago`, then the date.
pub(crate) fn ago(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - at).num_seconds();
    match secs {
        ..60 => "just now".to_owned(),
        60..3600 => format!("{}m ago", secs / 60),
        3600..86_400 => format!("{}h ago", secs / 3600),
        86_400..2_592_000 => format!("{}d ago", secs / 86_400),
        _ => at.format("%Y-%m-%d").to_string(),
    }
}

/// A list row's words for a prompt: its first line, and for a longer prompt what tells it
/// from `neighbour` (the row below, or above for the last): iterations often differ only past the first line.
pub(crate) fn prompt_row(prompt: &str, neighbour: Option<&str>) -> String {
    let lines: Vec<&str> = prompt.lines().filter(|l| !l.trim().is_empty()).collect();
    let Some((first, rest)) = lines.split_first() else {
        return String::new();
    };
    if rest.is_empty() {
        return (*first).to_owned();
    }
    let theirs: Vec<&str> = neighbour
        .map(|n| n.lines().filter(|l| !l.trim().is_empty()).collect())
        .unwrap_or_default();
    let differs = rest
        .iter()
        .enumerate()
        .find(|&(i, line)| theirs.get(i + 1) != Some(line))
        .map(|(_, line)| *line);
    match differs {
        Some(line) if theirs.first() == Some(first) => format!("{first} ⏎ {line}"),
        _ => format!("{first} (+{})", count(rest.len(), "line", "lines")),
    }
}

/// `queued 7.9s · inference 58.2s · total 71.0s`, from what the job measured; `None` if
/// nothing.
pub(crate) fn timings(m: &Metrics) -> Option<String> {
    let parts: Vec<String> = [
        ("queued", m.queue_seconds),
        ("inference", m.inference_time),
        ("total", m.total_seconds),
    ]
    .into_iter()
    .filter_map(|(name, secs)| Some(format!("{name} {:.1}s", secs?)))
    .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// `1 job`, `3 jobs`: the number with the word in its right form.
/// The last six letters of an id: its random part, which tells apart jobs (or batches)
/// made in the same instant, where the leading time letters would not.
pub(crate) fn id_tail(id: &str) -> &str {
    let at = id.char_indices().rev().nth(5).map_or(0, |(at, _)| at);
    &id[at..]
}

pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

pub(crate) fn bytes_text(bytes: u64) -> String {
    match bytes {
        ..1024 => format!("{bytes} B"),
        1024..1_048_576 => format!("{:.1} KB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
    }
}

/// Splits `s` into rows at most `width` columns wide (by character, not by word: log lines
/// are often paths and JSON). Always at least one row.
pub(crate) fn wrap(s: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut rows = Vec::new();
    let mut row = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width && !row.is_empty() {
            rows.push(std::mem::take(&mut row));
            used = 0;
        }
        row.push(c);
        used += w;
    }
    rows.push(row);
    rows
}

/// `s` in at most `width` columns, ending in `…` when cut.
pub(crate) fn cut(s: &str, width: usize) -> String {
    if unicode_width::UnicodeWidthStr::width(s) <= width {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// What a list row shows of an image: a path's file name, a URL's last path segment
/// (without its query or fragment), so the name is not cut off behind its folders.
/// Whatever has no such name shows whole.
pub(crate) fn image_name(image: &str) -> &str {
    let is_url = image.starts_with("http://") || image.starts_with("https://");
    let path = if is_url {
        image.split(['?', '#']).next().unwrap_or(image)
    } else {
        image
    };
    let name = path
        .trim_end_matches(['/', '\\'])
        .rsplit(['/', '\\'])
        .next();
    match name {
        Some(name) if !name.is_empty() => name,
        _ => image,
    }
}

/// `s` in at most `width` columns, its end kept and starting with `…` when cut (a path's
/// file name matters more than its folders).
pub(crate) fn cut_start(s: &str, width: usize) -> String {
    if unicode_width::UnicodeWidthStr::width(s) <= width {
        return s.to_owned();
    }
    let mut tail = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        tail.push(c);
        used += w;
    }
    std::iter::once('…').chain(tail.into_iter().rev()).collect()
}

/// How many rows [`wrap`] would give.
pub(crate) fn wrapped_rows(s: &str, width: usize) -> usize {
    if s.is_ascii() {
        s.len().div_ceil(width.max(1)).max(1)
    } else {
        wrap(s, width).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_image_is_named_by_its_file_or_last_url_segment() {
        assert_eq!(
            image_name("/home/me/shots/lighthouse/frame.png"),
            "frame.png"
        );
        assert_eq!(image_name("frame.png"), "frame.png");
        assert_eq!(image_name(r"C:\shots\frame.png"), "frame.png");
        assert_eq!(
            image_name("https://cdn.example/a/b/frame.webp?sig=1/2#x"),
            "frame.webp"
        );
        assert_eq!(image_name("https://cdn.example/a/b/"), "b");
        assert_eq!(image_name("/"), "/");
    }

    #[test]
    fn durations_and_sizes() {
        assert_eq!(mm_ss(0), "00:00");
        assert_eq!(mm_ss(83), "01:23");
        assert_eq!(mm_ss(6000), "100:00");
        assert_eq!(bytes_text(12_595), "12.3 KB");
    }

    #[test]
    fn wrapping_respects_wide_characters() {
        assert_eq!(wrap("abcdef", 4), ["abcd", "ef"]);
        assert_eq!(wrap("", 4), [""]);
        assert_eq!(wrap("猫猫猫", 4), ["猫猫", "猫"]);
        assert_eq!(wrapped_rows("abcdefgh", 4), 2);
    }

    #[test]
    fn a_job_maybe_sent_shows_as_being_checked_while_fals_records_are_asked() {
        use crate::ui::model::book::Book;
        let mut record = crate::test_record::record("a fox", JobState::MaybeSubmitted);
        let saved = record.updated_at;
        let id = record.id.clone();
        let mut book = Book::default();
        book.update(record.clone());
        let shown = |book: &Book| state_text(book.get(&id).unwrap(), saved);
        assert_eq!(shown(&book), "maybe sent");
        book.set_progress(
            &id,
            Progress::Checking { look: 1 },
            saved + chrono::Duration::seconds(1),
        );
        assert_eq!(shown(&book), "being checked on fal");
        // The check ended with the job still maybe sent: saved after the look, it says so.
        record.updated_at = saved + chrono::Duration::seconds(5);
        book.update(record);
        assert_eq!(shown(&book), "maybe sent");
    }
}
