//! The history pane's filter: which jobs match, best first. Plain words match the prompt and
//! the image fuzzily; `is:STATE`, `id:PREFIX`, `img:TEXT`, `rating:>=4` (also `>`, `<=`,
//! `<`, `=`, `rating:4`), `is:rated`/`is:unrated` and `batch:PART` (any part of the batch id,
//! as rows show its end) narrow the search exactly.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use i2v_store::{JobId, JobRecord, Rating};

use super::book::Book;

/// A filter line, split into its exact narrowing terms and the fuzzy rest.
#[derive(Debug, Default)]
struct Query {
    states: Vec<String>,
    ids: Vec<String>,
    images: Vec<String>,
    /// `None`: a `rating:` term that does not parse, which matches nothing.
    ratings: Vec<Option<RatingTerm>>,
    /// `is:rated` (true) or `is:unrated` (false).
    rated: Option<bool>,
    batches: Vec<String>,
    words: String,
}

/// `rating:>=4` and its kin: a comparison with a number of stars. Unrated jobs match none.
#[derive(Clone, Copy, Debug, PartialEq)]
struct RatingTerm {
    op: Cmp,
    stars: u8,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Cmp {
    Lt,
    Le,
    Eq,
    Ge,
    Gt,
}

impl RatingTerm {
    fn parse(text: &str) -> Option<RatingTerm> {
        // Longest operators first, so `>=` is not read as `>` and `=4`.
        let (op, number) = [
            (">=", Cmp::Ge),
            ("<=", Cmp::Le),
            (">", Cmp::Gt),
            ("<", Cmp::Lt),
            ("=", Cmp::Eq),
        ]
        .into_iter()
        .find_map(|(sign, op)| Some((op, text.strip_prefix(sign)?)))
        .unwrap_or((Cmp::Eq, text));
        Some(RatingTerm {
            op,
            stars: number.parse().ok()?,
        })
    }

    fn holds(self, rating: Option<Rating>) -> bool {
        let Some(stars) = rating.map(Rating::stars) else {
            return false;
        };
        match self.op {
            Cmp::Lt => stars < self.stars,
            Cmp::Le => stars <= self.stars,
            Cmp::Eq => stars == self.stars,
            Cmp::Ge => stars >= self.stars,
            Cmp::Gt => stars > self.stars,
        }
    }
}

impl Query {
    fn parse(text: &str) -> Self {
        let mut query = Query::default();
        let mut words = Vec::new();
        for term in text.split_whitespace() {
            let lower = term.to_lowercase();
            match lower.split_once(':') {
                Some(("is", "rated")) => query.rated = Some(true),
                Some(("is", "unrated")) => query.rated = Some(false),
                Some(("is", state)) if !state.is_empty() => query.states.push(state.to_owned()),
                Some(("rating", term)) => query.ratings.push(RatingTerm::parse(term)),
                Some(("id", id)) if !id.is_empty() => query.ids.push(id.to_owned()),
                Some(("img", image)) if !image.is_empty() => query.images.push(image.to_owned()),
                Some(("batch", batch)) if !batch.is_empty() => {
                    query.batches.push(batch.to_owned());
                }
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
        let batch = record
            .batch
            .as_ref()
            .map(|b| b.as_str().to_lowercase())
            .unwrap_or_default();
        self.states.iter().all(|s| state.starts_with(s.as_str()))
            && self.ids.iter().all(|p| id.starts_with(p.as_str()))
            && self.images.iter().all(|i| image.contains(i.as_str()))
            && self
                .ratings
                .iter()
                .all(|term| term.is_some_and(|t| t.holds(record.rating)))
            && self
                .rated
                .is_none_or(|rated| record.rating.is_some() == rated)
            && self
                .batches
                .iter()
                .all(|b| !batch.is_empty() && batch.contains(b.as_str()))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn holds(term: &str, stars: Option<u8>) -> bool {
        let query = Query::parse(term);
        assert!(
            query.words.is_empty(),
            "{term} left words: {:?}",
            query.words
        );
        let rating = stars.and_then(Rating::new);
        query
            .ratings
            .iter()
            .all(|t| t.is_some_and(|t| t.holds(rating)))
            && query.rated.is_none_or(|rated| rating.is_some() == rated)
    }

    #[test]
    fn rating_terms_compare_stars_and_unrated_matches_none_of_them() {
        for (term, matching) in [
            ("rating:>=4", &[4, 5][..]),
            ("rating:>4", &[5]),
            ("rating:<=2", &[1, 2]),
            ("rating:<2", &[1]),
            ("rating:=3", &[3]),
            ("rating:3", &[3]),
            ("RATING:>=4", &[4, 5]),
            ("rating:>=x", &[]),
            ("rating:", &[]),
        ] {
            for stars in 1..=5 {
                assert_eq!(
                    holds(term, Some(stars)),
                    matching.contains(&stars),
                    "{term} with {stars} stars"
                );
            }
            assert!(!holds(term, None), "{term} matched an unrated job");
        }
    }

    #[test]
    fn is_rated_and_is_unrated() {
        assert!(holds("is:rated", Some(1)));
        assert!(!holds("is:rated", None));
        assert!(holds("is:unrated", None));
        assert!(!holds("is:unrated", Some(5)));
    }
}
