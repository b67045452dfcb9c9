//! Splitting a prompt into what a person reads as its words, for the prompt diff: splitting
//! at spaces only made "dusk," and "dusk" two different words, so adding ", storm" after
//! "dusk" read as one word removed and two added.

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Word,
    Space,
    Mark,
}

fn kind(c: char) -> Kind {
    if c.is_alphanumeric() {
        Kind::Word
    } else if c.is_whitespace() {
        Kind::Space
    } else {
        Kind::Mark
    }
}

/// Joins letters or digits on both sides into one word: "push-in", "don't", "4.5s".
const JOINERS: [char; 4] = ['-', '\'', '’', '.'];

/// `text` as words, runs of white space and single punctuation marks, in order; joined
/// they give `text` back.
pub(crate) fn tokens(text: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let kind = kind(c);
        let mut end = start + c.len_utf8();
        while kind != Kind::Mark
            && let Some(&(at, next)) = chars.peek()
        {
            let after = &text[at + next.len_utf8()..];
            let joins = kind == Kind::Word
                && JOINERS.contains(&next)
                && after.chars().next().is_some_and(char::is_alphanumeric);
            if self::kind(next) != kind && !joins {
                break;
            }
            chars.next();
            end = at + next.len_utf8();
        }
        tokens.push(&text[start..end]);
    }
    tokens
}

/// Whether a token is a word (not spacing or punctuation): what the diff's summary counts.
pub(crate) fn is_word(token: &str) -> bool {
    token.chars().any(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_is_apart_from_words() {
        assert_eq!(
            tokens("at dusk, storm!"),
            ["at", " ", "dusk", ",", " ", "storm", "!"]
        );
        assert_eq!(tokens("«dusk»…"), ["«", "dusk", "»", "…"]);
    }

    #[test]
    fn joined_words_stay_whole() {
        assert_eq!(
            tokens("slow push-in, don't stop: 4.5s."),
            [
                "slow", " ", "push-in", ",", " ", "don't", " ", "stop", ":", " ", "4.5s", "."
            ]
        );
        assert_eq!(tokens("in -- out"), ["in", " ", "-", "-", " ", "out"]);
    }

    #[test]
    fn spacing_is_kept_so_the_tokens_give_the_text_back() {
        for text in ["", " a\n\n b ", "día de “luz”,\tlento", "x--y"] {
            assert_eq!(tokens(text).concat(), text);
        }
        assert_eq!(tokens("a \n b"), ["a", " \n ", "b"]);
        assert!(is_word("4.5s") && is_word("día") && !is_word(", ") && !is_word("…"));
    }
}
