//! The history pane's filter: which jobs match, best first. Plain words match words: each
//! begins a word of the prompt or of the image's file name, in any order, ignoring case (as
//! `i2v history list --grep` does, see [`crate::words`]); a word after `~` matches fuzzily
//! and ranks the jobs best first. `is:STATE`, `id:PREFIX`, `img:TEXT`, `rating:>=4` (also
//! `>`, `<=`, `<`, `=`, `rating:4`), `is:rated`/`is:unrated`, `is:imported` (brought in from fal's records), `batch:PART` (any part of
//! the batch id, as rows show its end) and `chain:ID` (every shot of the chain the job with
//! that id or id start is in, other takes too) narrow the search exactly. A term that means
//! nothing (`is:bogus`, `rating:>9`) is left out and named.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use i2v_store::{JobId, JobState, Rating};

use crate::ui::model::book::{Book, Row, Slot};
use crate::ui::model::chains::Chains;
use crate::words::{Words, file_name};

/// A filter line, split into its exact narrowing terms, its words and its fuzzy words.
#[derive(Debug, Default)]
struct Query {
    states: Vec<String>,
    ids: Vec<String>,
    images: Vec<String>,
    ratings: Vec<RatingTerm>,
    /// `is:rated` (true) or `is:unrated` (false).
    rated: Option<bool>,
    /// `is:imported`: only jobs brought in from fal's records.
    imported: bool,
    batches: Vec<String>,
    /// `chain:` ids (or their starts).
    chains: Vec<String>,
    words: Words,
    /// The `~` words, for nucleo.
    fuzzy: String,
    /// Terms that mean nothing, as typed: left out of the search, and named.
    unknown: Vec<String>,
}

/// The states `is:` knows, as rows name them (a term matches the start of one).
const STATES: [JobState; 9] = [
    JobState::Preparing,
    JobState::Queued { position: None },
    JobState::Running,
    JobState::Downloading,
    JobState::ResultPending,
    JobState::Completed,
    JobState::Failed,
    JobState::Cancelled,
    JobState::MaybeSubmitted,
];

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
        let stars = number.parse().ok().filter(|&stars| stars <= 5)?;
        Some(RatingTerm { op, stars })
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
        let mut fuzzy = Vec::new();
        for term in text.split_whitespace() {
            let lower = term.to_lowercase();
            match lower.split_once(':') {
                Some(("is", "rated")) => query.rated = Some(true),
                Some(("is", "unrated")) => query.rated = Some(false),
                Some(("is", "imported")) => query.imported = true,
                Some(("is", state))
                    if STATES.iter().any(|known| known.label().starts_with(state)) =>
                {
                    query.states.push(state.to_owned());
                }
                Some(("is", _)) => query.unknown.push(term.to_owned()),
                Some(("rating", term_text)) => match RatingTerm::parse(term_text) {
                    Some(rating) => query.ratings.push(rating),
                    None => query.unknown.push(term.to_owned()),
                },
                Some(("id", id)) if !id.is_empty() => query.ids.push(id.to_owned()),
                Some(("img", image)) if !image.is_empty() => query.images.push(image.to_owned()),
                Some(("batch", batch)) if !batch.is_empty() => {
                    query.batches.push(batch.to_owned());
                }
                Some(("chain", id)) if !id.is_empty() => query.chains.push(id.to_owned()),
                _ => match term.strip_prefix('~') {
                    Some(rest) => fuzzy.push(rest),
                    None => words.push(term),
                },
            }
        }
        query.words = Words::new(&words.join(" "));
        query.fuzzy = fuzzy.join(" ").trim().to_owned();
        query
    }

    /// What the pane says of the terms left out, if any.
    fn complaint(&self) -> Option<String> {
        let first = self.unknown.first()?;
        let (key, _) = first.split_once(':').unwrap_or((first, ""));
        let takes = match key.to_lowercase().as_str() {
            "is" => "is: takes a state (failed, running, …), rated, unrated or imported",
            _ => "rating: takes 0 to 5 stars: rating:4, rating:>=4, rating:<3",
        };
        let terms: Vec<&str> = self.unknown.iter().map(String::as_str).collect();
        Some(format!("left out {}: {takes}", terms.join(" ")))
    }

    fn is_empty(&self) -> bool {
        self.states.is_empty()
            && self.ids.is_empty()
            && self.images.is_empty()
            && self.ratings.is_empty()
            && self.rated.is_none()
            && !self.imported
            && self.batches.is_empty()
            && self.chains.is_empty()
            && self.words.is_empty()
            && self.fuzzy.is_empty()
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
                .all(|term| term.holds(row.rating.and_then(Rating::new)))
            && self.rated.is_none_or(|rated| row.rating.is_some() == rated)
            && (!self.imported || row.imported)
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
/// matches and is updated. Returns what to say of the terms left out, if any.
pub(crate) fn filter(
    book: &Book,
    query: &str,
    last: &mut Hits,
    shown: &mut Vec<Slot>,
) -> Option<String> {
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
    } else {
        *shown = matching(book, query, &parsed, last);
    }
    parsed.complaint()
}

/// The first shots of the chains each `chain:` term names: a job is in a term's chain when its
/// chain starts at one of them.
fn chain_firsts(book: &Book, chains: &Chains, parsed: &Query) -> Vec<HashSet<JobId>> {
    parsed
        .chains
        .iter()
        .map(|prefix| {
            book.rows()
                .iter()
                .filter(|row| starts_with_ci(row.id.as_str(), prefix))
                .filter_map(|row| chains.first_of(&row.id).cloned())
                .collect()
        })
        .collect()
}

fn matching(book: &Book, query: &str, parsed: &Query, last: &mut Hits) -> Vec<Slot> {
    // Only with a `chain:` term: finding the chains looks at every row.
    let chains = (!parsed.chains.is_empty()).then(|| Chains::of(book));
    let firsts = chains
        .as_ref()
        .map(|chains| chain_firsts(book, chains, parsed));
    let in_chains = |row: &Row| match (&chains, &firsts) {
        (Some(chains), Some(firsts)) => chains
            .first_of(&row.id)
            .is_some_and(|first| firsts.iter().all(|term| term.contains(first))),
        _ => true,
    };
    let narrows = last.version == book.version() && narrows(&last.query, query);
    let candidates: Vec<Slot> = if narrows {
        std::mem::take(&mut last.slots)
    } else {
        book.order().to_vec()
    };
    // Jobs share prompts (the rows share one copy of each), so which words a prompt has is
    // worked out once per key, however many jobs have it.
    let mut prompt_words: HashMap<usize, u64> = HashMap::new();
    let all_words = parsed.words.all();
    let narrowed = candidates.into_iter().filter(|&slot| {
        let row = book.row_at(slot);
        if !parsed.narrows_to(row) || !in_chains(row) {
            return false;
        }
        if parsed.words.is_empty() {
            return true;
        }
        let key = Arc::as_ptr(&row.prompt).cast::<u8>() as usize;
        let in_prompt = *prompt_words
            .entry(key)
            .or_insert_with(|| parsed.words.found_in(&row.prompt));
        in_prompt == all_words
            || in_prompt | parsed.words.found_in(file_name(&row.image)) == all_words
    });
    if parsed.fuzzy.is_empty() {
        let slots: Vec<Slot> = narrowed.collect();
        *last = Hits {
            query: query.to_owned(),
            slots: slots.clone(),
            version: book.version(),
        };
        return slots;
    }
    let pattern = Pattern::parse(&parsed.fuzzy, CaseMatching::Smart, Normalization::Smart);
    // Prompts are long prose, where nearly any short query matches as a scattered
    // subsequence. Keep a job only if it scores at least what a plain match earns per
    // query character (16 in nucleo), which drops the m…o…o…n kind of hit and keeps
    // substrings, word-initial acronyms and near misses.
    let min_score = 16 * parsed.fuzzy.chars().filter(|c| !c.is_whitespace()).count() as u32;
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let atoms = &pattern.atoms;
    // Each fuzzy word scores in the prompt and in the image's file name, the better
    // counting; a prompt's scores once per key, as above. Not the id: its random letters
    // made short words match unrelated jobs (`id:` is there for ids); not the image's
    // folders, which every job shares (`img:` is there for paths).
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

/// Whether every job matching `new` matches `old`, so `new` need only look at `old`'s hits:
/// `new` adds to the end of `old` and what it adds neither makes nor changes a `key:` term
/// (`is` is a word, `is:f` a state; `rating:>` is left out, `rating:>=4` narrows).
fn narrows(old: &str, new: &str) -> bool {
    let Some(added) = new.strip_prefix(old) else {
        return false;
    };
    if old.is_empty() {
        return false;
    }
    if added.starts_with(char::is_whitespace) {
        return true;
    }
    let last_term = old.rsplit(char::is_whitespace).next().unwrap_or("");
    let to_term_end = added.split(char::is_whitespace).next().unwrap_or("");
    !last_term.contains(':') && !to_term_end.contains(':')
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
        query.unknown.is_empty()
            && query.ratings.iter().all(|t| t.holds(rating))
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
            ("rating:>0", &[1, 2, 3, 4, 5]),
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
    fn terms_that_mean_nothing_are_named_and_left_out() {
        for term in ["is:bogus", "rating:>9", "rating:", "rating:>=x", "IS:Nope"] {
            let query = Query::parse(&format!("rain {term}"));
            assert_eq!(query.unknown, [term]);
            assert!(
                query.complaint().is_some_and(|c| c.contains(term)),
                "{term}"
            );
            assert!(!query.words.is_empty(), "{term} lost the word beside it");
        }
        assert_eq!(
            Query::parse("is:fail is:maybe rating:>=4 is:rated").complaint(),
            None
        );
    }

    #[test]
    fn a_key_being_typed_never_narrows_from_the_last_matches() {
        assert!(narrows("rai", "rain"));
        assert!(narrows("is:f", "is:f rain"));
        assert!(!narrows("is", "is:"));
        assert!(!narrows("is", "is:f"));
        assert!(!narrows("rating:>", "rating:>=4"));
        assert!(!narrows("rain", "brain"));
    }

    #[test]
    fn is_rated_and_is_unrated() {
        assert!(holds("is:rated", Some(1)));
        assert!(!holds("is:rated", None));
        assert!(holds("is:unrated", None));
        assert!(!holds("is:unrated", Some(5)));
    }

    #[test]
    fn chain_lists_every_shot_of_the_chain_a_job_is_in() {
        use crate::test_record::record;
        let shot = |continues: Option<&JobId>| {
            let mut r = record("a boat", JobState::Completed);
            r.continues = continues.cloned();
            r
        };
        // a → b1 → c and a → b2; x → y, another chain; z alone.
        let a = shot(None);
        let b1 = shot(Some(&a.id));
        let b2 = shot(Some(&a.id));
        let c = shot(Some(&b1.id));
        let x = shot(None);
        let y = shot(Some(&x.id));
        let z = shot(None);
        let mut book = Book::default();
        let all = [&a, &b1, &b2, &c, &x, &y, &z];
        for r in all {
            book.update(r.clone());
        }
        let found = |query: &str| {
            let mut shown = Vec::new();
            filter(&book, query, &mut Hits::default(), &mut shown);
            let mut ids: Vec<JobId> = shown.iter().map(|&s| book.row_at(s).id.clone()).collect();
            ids.sort();
            ids
        };
        let sorted = |ids: &[&JobId]| {
            let mut ids: Vec<JobId> = ids.iter().map(|id| (*id).clone()).collect();
            ids.sort();
            ids
        };
        let chain = sorted(&[&a.id, &b1.id, &b2.id, &c.id]);
        // From any shot of it, by a lower-case start of its id.
        for r in [&a, &b2, &c] {
            assert_eq!(found(&format!("chain:{}", r.id)), chain);
            let start = r.id.as_str()[..20].to_lowercase();
            assert_eq!(found(&format!("chain:{start}")), chain);
        }
        assert_eq!(
            found(&format!("chain:{} boat", y.id)),
            sorted(&[&x.id, &y.id])
        );
        // A job in no chain has none to list.
        assert!(found(&format!("chain:{}", z.id)).is_empty());
    }

    #[test]
    fn is_imported_lists_the_jobs_brought_in_from_fals_records() {
        use crate::test_record::record;
        let here = record("a boat", JobState::Completed);
        let mut elsewhere = record("a boat", JobState::Completed);
        elsewhere.imported_at = Some(chrono::Utc::now());
        let mut book = Book::default();
        book.update(here.clone());
        book.update(elsewhere.clone());
        let found = |query: &str| {
            let mut shown = Vec::new();
            filter(&book, query, &mut Hits::default(), &mut shown);
            shown
                .iter()
                .map(|&s| book.row_at(s).id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(found("is:imported"), [elsewhere.id.clone()]);
        assert_eq!(found("boat is:imported"), [elsewhere.id]);
        assert_eq!(found("boat").len(), 2);
        assert!(Query::parse("is:imported").complaint().is_none());
    }
}
