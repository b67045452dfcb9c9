//! Word search, as the history filter's plain words and `i2v history list --grep` both mean
//! it, so the workbench's count and the command's agree: each word of the query begins a word
//! of the prompt or of the image's file name, in any order, ignoring case. `rain` finds
//! "rain" and "Rainy", not "brain" or "training"; `fox red` finds "a red fox".
//!
//! A word is a run of letters and digits: `shot_03.png` has the words `shot`, `03` and `png`,
//! and a query word is split the same way (`sun-lit` asks for `sun` and `lit`).

/// A query's words, lower-cased once. At most 64 count (a bit each in [`Words::found_in`]'s
/// answer); a longer query is cut, which only lets more jobs match.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Words {
    words: Vec<String>,
}

const MAX_WORDS: usize = 64;

impl Words {
    pub fn new(query: &str) -> Words {
        let mut words: Vec<String> = Vec::new();
        for word in split(query) {
            let word = word.to_lowercase();
            // The same word twice asks for nothing more.
            if !words.contains(&word) && words.len() < MAX_WORDS {
                words.push(word);
            }
        }
        Words { words }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Every query word begins a word of the prompt or of the image's file name.
    pub fn matches(&self, prompt: &str, image: &str) -> bool {
        self.is_empty() || self.found_in(prompt) | self.found_in(file_name(image)) == self.all()
    }

    /// The query's words found in `text`, as bits (the first word is bit 0), for a caller
    /// that looks in several texts or keeps one text's answer for many jobs.
    pub fn found_in(&self, text: &str) -> u64 {
        let all = self.all();
        let mut found = 0u64;
        let mut lowered = String::new();
        for word in split(text) {
            let word = if word.is_ascii() {
                word
            } else {
                lowered.clear();
                lowered.extend(word.chars().flat_map(char::to_lowercase));
                lowered.as_str()
            };
            for (bit, wanted) in self.words.iter().enumerate() {
                if found & (1 << bit) == 0 && begins(word, wanted) {
                    found |= 1 << bit;
                }
            }
            if found == all {
                break;
            }
        }
        found
    }

    /// The bits of [`Words::found_in`] when every word is found.
    pub fn all(&self) -> u64 {
        match self.words.len() {
            MAX_WORDS => u64::MAX,
            n => (1u64 << n) - 1,
        }
    }
}

/// The last part of a path or URL: what a job's image is known by (its folders, which every
/// job shares, would match everything).
pub fn file_name(image: &str) -> &str {
    image.rsplit(['/', '\\']).next().unwrap_or(image)
}

fn split(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// `word` begins with `lower` (lower-cased already); `word` is lower-cased already or ASCII.
fn begins(word: &str, lower: &str) -> bool {
    word.len() >= lower.len()
        && word.as_bytes()[..lower.len()].eq_ignore_ascii_case(lower.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finds(query: &str, prompt: &str) -> bool {
        Words::new(query).matches(prompt, "")
    }

    #[test]
    fn each_word_begins_a_word_in_any_order_ignoring_case() {
        assert!(finds("rain", "Rainy street at night"));
        assert!(finds("rain", "a heron in the rain"));
        assert!(!finds("rain", "a brain in a jar"));
        assert!(!finds("rain", "training montage"));
        assert!(finds("fox red", "A RED FOX"));
        assert!(!finds("fox blue", "a red fox"));
        assert!(!finds("heron", "the red rooster on a hill"));
        assert!(finds("", "anything"));
    }

    #[test]
    fn the_image_name_counts_but_not_its_folders() {
        let words = Words::new("heron");
        assert!(words.matches("a bird", "/home/me/shots/heron_03.png"));
        assert!(!Words::new("shots").matches("a bird", "/home/me/shots/heron_03.png"));
        assert!(Words::new("03 bird").matches("a bird", "https://x.test/heron_03.png"));
    }

    #[test]
    fn words_are_letters_and_digits_in_any_script() {
        assert!(finds("sun-lit", "lit by the sun"));
        assert!(finds("éclair", "un ÉCLAIR au café"));
        assert!(finds("CAFÉ", "un éclair au café"));
        assert!(!finds("afé", "un éclair au café"));
    }

    #[test]
    fn a_long_query_keeps_its_first_words() {
        let query: Vec<String> = (0..70).map(|i| format!("w{i}")).collect();
        let words = Words::new(&query.join(" "));
        assert_eq!(words.all(), u64::MAX);
        let text: Vec<String> = (0..64).map(|i| format!("w{i}")).collect();
        assert!(words.matches(&text.join(" "), ""));
    }
}
