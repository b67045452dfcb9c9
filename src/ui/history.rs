//! The history pane's fuzzy filter: which jobs match, best first.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use i2v_store::JobId;

use super::book::Book;

/// Jobs matching `query` over prompt, image and id; newest first when the query is empty,
/// best match first (newest among equals) otherwise.
pub(crate) fn filter(book: &Book, query: &str) -> Vec<JobId> {
    if query.trim().is_empty() {
        return book.newest_first().map(|e| e.record.id.clone()).collect();
    }
    let pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
    // Prompts are long prose, where nearly any short query matches as a scattered
    // subsequence. Keep a job only if it scores at least what a plain match earns per
    // query character (16 in nucleo), which drops the m…o…o…n kind of hit and keeps
    // substrings, word-initial acronyms and near misses.
    let min_score = 16 * query.chars().filter(|c| !c.is_whitespace()).count() as u32;
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let mut hits: Vec<(u32, JobId)> = book
        .newest_first()
        .filter_map(|e| {
            let r = &e.record;
            let haystack = format!("{} {} {}", r.input.prompt, r.input.image.display(), r.id);
            let score = pattern.score(Utf32Str::new(&haystack, &mut buf), &mut matcher)?;
            (score >= min_score).then(|| (score, r.id.clone()))
        })
        .collect();
    // Stable: equal scores keep newest-first.
    hits.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    hits.into_iter().map(|(_, id)| id).collect()
}
