//! The history pane's filter: which jobs match, best first. Plain words match the prompt and
//! the image fuzzily; `is:STATE`, `id:PREFIX` and `img:TEXT` narrow the search exactly.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use i2v_store::{JobId, JobRecord};

use super::book::Book;

/// A filter line, split into its exact narrowing terms and the fuzzy rest.
#[derive(Debug, Default)]
struct Query {
    states: Vec<String>,
    ids: Vec<String>,
    images: Vec<String>,
    words: String,
}

impl Query {
    fn parse(text: &str) -> Self {
        let mut query = Query::default();
        let mut words = Vec::new();
        for term in text.split_whitespace() {
            let lower = term.to_lowercase();
            match lower.split_once(':') {
                Some(("is", state)) if !state.is_empty() => query.states.push(state.to_owned()),
                Some(("id", id)) if !id.is_empty() => query.ids.push(id.to_owned()),
                Some(("img", image)) if !image.is_empty() => query.images.push(image.to_owned()),
                _ => words.push(term),
            }
        }
        query.words = words.join(" ");
        query
    }

    /// The exact terms: all must hold.
    fn narrows_to(&self, record: &JobRecord) -> bool {
        let state = record.state.label().to_lowercase();
        let id = record.id.as_str().to_lowercase();
        let image = record.input.image.display().to_lowercase();
        self.states.iter().all(|s| state.starts_with(s.as_str()))
            && self.ids.iter().all(|p| id.starts_with(p.as_str()))
            && self.images.iter().all(|i| image.contains(i.as_str()))
    }
}

/// Jobs matching `query`: newest first when it has no fuzzy words, best match first (newest
/// among equals) otherwise.
pub(crate) fn filter(book: &Book, query: &str) -> Vec<JobId> {
    let query = Query::parse(query);
    let narrowed = book
        .newest_first()
        .map(|e| &e.record)
        .filter(|r| query.narrows_to(r));
    if query.words.is_empty() {
        return narrowed.map(|r| r.id.clone()).collect();
    }
    let pattern = Pattern::parse(&query.words, CaseMatching::Smart, Normalization::Smart);
    // Prompts are long prose, where nearly any short query matches as a scattered
    // subsequence. Keep a job only if it scores at least what a plain match earns per
    // query character (16 in nucleo), which drops the m…o…o…n kind of hit and keeps
    // substrings, word-initial acronyms and near misses.
    let min_score = 16 * query.words.chars().filter(|c| !c.is_whitespace()).count() as u32;
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    // Not the id: its random letters made short words match unrelated jobs (`id:` is
    // there for ids).
    let mut hits: Vec<(u32, JobId)> = narrowed
        .filter_map(|r| {
            let haystack = format!("{} {}", r.input.prompt, r.input.image.display());
            let score = pattern.score(Utf32Str::new(&haystack, &mut buf), &mut matcher)?;
            (score >= min_score).then(|| (score, r.id.clone()))
        })
        .collect();
    // Stable: equal scores keep newest-first.
    hits.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    hits.into_iter().map(|(_, id)| id).collect()
}
