//! The history pane's filter: which jobs match, best first. Plain words match the prompt and
//! the image's file name fuzzily; `is:STATE`, `id:PREFIX`, `img:TEXT`, `rating:>=4` (also `>`, `<=`,
//! `<`, `=`, `rating:4`), `is:rated`/`is:unrated` and `batch:PART` (any part of the batch id,
//! as rows show its end) narrow the search exactly.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use std::collections::HashMap;
use std::sync::Arc;

use i2v_store::Rating;

use super::book::{Book, Row, Slot};

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

    fn is_empty(&self) -> bool {
        self.states.is_empty()
            && self.ids.is_empty()
            && self.images.is_empty()
            && self.ratings.is_empty()
            && self.rated.is_none()
            && self.batches.is_empty()
            && self.words.trim().is_empty()
    }

    /// The exact terms: all must hold. Nothing is allocated per job: this runs over every
    /// job of a long history on a key.
    fn narrows_to(&self, row: &Row) -> bool {
        let batch = row.batch.as_ref().map_or("", |b| b.as_str());
        self.states
            .iter()
            .all(|s| starts_with_ci(row.state.label(), s))
            && self.ids.iter().all(|p| starts_with_ci(row.id.as_str(), p))
            && self.images.iter().all(|i| contains_ci(&row.image, i))
            && self
                .ratings
                .iter()
                .all(|term| term.is_some_and(|t| t.holds(row.rating.and_then(Rating::new))))
            && self.rated.is_none_or(|rated| row.rating.is_some() == rated)
            && self
                .batches
                .iter()
                .all(|b| !batch.is_empty() && contains_ci(batch, b))
    }
}

/// The jobs a filter line matched, remembered so that the next key, if it only adds to the
/// line, looks at these instead of the whole history.
#[derive(Debug, Default)]
pub(crate) struct Hits {
    query: String,
    /// Matching jobs in the book's order (before ranking by score).
    slots: Vec<Slot>,
    /// The book's version they were found in: any change to the book starts over.
    version: u64,
}

/// Jobs matching `query`, into `shown`: in the book's order when it has no fuzzy words, best
/// match first (the book's order among equals) otherwise. `last` holds the previous call's
/// matches and is updated.
pub(crate) fn filter(book: &Book, query: &str, last: &mut Hits, shown: &mut Vec<Slot>) {
    let parsed = Query::parse(query);
    // No filter: every job, in the book's order, without a look at one row (after a change
    // behind the workbench's back, 100,000 rows not read for a while take a frame's time just
    // to read) and in the block `shown` already has (a new one as long as the history costs
    // its pages' faults, the old one's unmapping more). Nothing narrows from an empty line,
    // so no matches are kept.
    if parsed.is_empty() {
        shown.clear();
        shown.extend_from_slice(book.order());
        *last = Hits::default();
        return;
    }
    *shown = matching(book, query, &parsed, last);
}

fn matching(book: &Book, query: &str, parsed: &Query, last: &mut Hits) -> Vec<Slot> {
    let narrows = last.version == book.version() && narrows(&last.query, query);
    let candidates: Vec<Slot> = if narrows {
        std::mem::take(&mut last.slots)
    } else {
        book.order().to_vec()
    };
    let narrowed = candidates
        .into_iter()
        .filter(|&slot| parsed.narrows_to(book.row_at(slot)));
    if parsed.words.is_empty() {
        let slots: Vec<Slot> = narrowed.collect();
        *last = Hits {
            query: query.to_owned(),
            slots: slots.clone(),
            version: book.version(),
        };
        return slots;
    }
    let pattern = Pattern::parse(&parsed.words, CaseMatching::Smart, Normalization::Smart);
    // Prompts are long prose, where nearly any short query matches as a scattered
    // subsequence. Keep a job only if it scores at least what a plain match earns per
    // query character (16 in nucleo), which drops the m…o…o…n kind of hit and keeps
    // substrings, word-initial acronyms and near misses.
    let min_score = 16 * parsed.words.chars().filter(|c| !c.is_whitespace()).count() as u32;
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let atoms = &pattern.atoms;
    // Each word scores in the prompt and in the image's file name, the better counting.
    // Jobs share prompts (the rows share one copy of each), so a prompt's scores are worked
    // out once per key, however many jobs have it. Not the id: its random letters made
    // short words match unrelated jobs (`id:` is there for ids); not the image's folders,
    // which every job shares (`img:` is there for paths).
    let mut prompt_scores: HashMap<usize, usize> = HashMap::new();
    let mut scores: Vec<Option<u16>> = Vec::new();
    let mut hits: Vec<(u32, Slot)> = narrowed
        .filter_map(|slot| {
            let row = book.row_at(slot);
            let key = Arc::as_ptr(&row.prompt).cast::<u8>() as usize;
            let at = *prompt_scores.entry(key).or_insert_with(|| {
                let at = scores.len();
                let prompt = Utf32Str::new(&row.prompt, &mut buf);
                scores.extend(atoms.iter().map(|a| a.score(prompt, &mut matcher)));
                at
            });
            let name = Utf32Str::new(file_name(&row.image), &mut buf);
            let mut total = 0;
            for (atom, in_prompt) in atoms.iter().zip(&scores[at..]) {
                total += u32::from((*in_prompt).max(atom.score(name, &mut matcher))?);
            }
            (total >= min_score).then_some((total, slot))
        })
        .collect();
    *last = Hits {
        query: query.to_owned(),
        slots: hits.iter().map(|&(_, slot)| slot).collect(),
        version: book.version(),
    };
    // Stable: equal scores keep the book's order.
    hits.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    hits.into_iter().map(|(_, slot)| slot).collect()
}

/// Whether every job matching `new` matches `old` (as far as fuzzy scores go), so `new` need only look at
/// `old`'s hits: `new` adds to the end of `old` and what it adds does not change the
/// meaning of a `key:` term (`is:` alone is a word, `is:f` a state; `rating:>` matches
/// nothing, `rating:>=4` does).
fn narrows(old: &str, new: &str) -> bool {
    let Some(added) = new.strip_prefix(old) else {
        return false;
    };
    if old.is_empty() {
        return false;
    }
    let last_term = old.rsplit(char::is_whitespace).next().unwrap_or("");
    added.starts_with(char::is_whitespace) || !last_term.contains(':')
}

/// The last part of a path or URL: what a row's image is known by.
fn file_name(image: &str) -> &str {
    image.rsplit(['/', '\\']).next().unwrap_or(image)
}

/// `text` starts with `lower` (lower-case already), ignoring case.
fn starts_with_ci(text: &str, lower: &str) -> bool {
    if text.is_ascii() {
        text.len() >= lower.len()
            && text.as_bytes()[..lower.len()].eq_ignore_ascii_case(lower.as_bytes())
    } else {
        text.to_lowercase().starts_with(lower)
    }
}

/// `text` contains `lower` (lower-case already), ignoring case.
fn contains_ci(text: &str, lower: &str) -> bool {
    if text.is_ascii() {
        lower.is_empty()
            || text
                .as_bytes()
                .windows(lower.len())
                .any(|w| w.eq_ignore_ascii_case(lower.as_bytes()))
    } else {
        text.to_lowercase().contains(lower)
    }
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
