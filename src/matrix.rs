//! Prompt matrices: `a {red|blue} fox {runs|sleeps}` stands for every combination of its
//! alternatives (here four prompts). Pure text in, prompts out; nothing here sends anything.
//!
//! The rules, chosen so that nothing is ever guessed:
//! - `{…|…}` is a group of alternatives, taken exactly as written (spaces included); an
//!   alternative may be empty (`{slow |}dolly` gives "slow dolly" and "dolly").
//! - `\{`, `\}`, `\|` and `\\` stand for the character itself; any other backslash is kept as
//!   it is, so ordinary prompt text needs no escaping.
//! - A `|` outside a group is plain text.
//! - An unclosed `{`, a `}` with no `{`, a group inside a group, and a group with nothing to
//!   choose between (`{}`, `{red}`) are errors that name where they are: literal braces must
//!   be written `\{` and `\}`.
//!
//! Prompts come out in a fixed order: like nested loops, the first group changes slowest and
//! the last group fastest, each group's alternatives in the order written.

use std::fmt;

use thiserror::Error;

/// A parsed prompt template: text and groups of alternatives, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matrix {
    parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(String),
    Group(Vec<String>),
}

/// Where in the template something is: 1-based line and column, counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 1 {
            write!(f, "line {}, column {}", self.line, self.column)
        } else {
            write!(f, "column {}", self.column)
        }
    }
}

/// Why a template cannot be expanded; each names the place of the offending brace.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum MatrixError {
    #[error(
        "the \"{{\" at {0} is never closed: end the group with \"}}\", or write \\{{ for a literal brace"
    )]
    Unclosed(Place),
    #[error(
        "the \"}}\" at {0} closes no group: write \\}} for a literal brace, or open the group with \"{{\""
    )]
    LoneClose(Place),
    #[error(
        "the group at {0} is empty: write alternatives like {{red|blue}}, or \\{{\\}} for literal braces"
    )]
    Empty(Place),
    #[error(
        "the group at {0} has nothing to choose between: separate alternatives with \"|\" \
         ({{red|blue}}), or write \\{{ and \\}} for literal braces"
    )]
    Single(Place),
    #[error(
        "the \"{{\" at {0} is inside another group, and groups do not nest: close the first \
         one before, or write \\{{ for a literal brace"
    )]
    Nested(Place),
}

impl MatrixError {
    pub fn place(&self) -> Place {
        match self {
            Self::Unclosed(p)
            | Self::LoneClose(p)
            | Self::Empty(p)
            | Self::Single(p)
            | Self::Nested(p) => *p,
        }
    }
}

/// Tracks the place of each character as the template is read.
struct Cursor {
    line: usize,
    column: usize,
}

impl Cursor {
    fn advance(&mut self, c: char) -> Place {
        let here = Place {
            line: self.line,
            column: self.column,
        };
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        here
    }
}

impl Matrix {
    /// Reads `template`; an error names the first brace that makes no sense.
    pub fn parse(template: &str) -> Result<Matrix, MatrixError> {
        let mut parts = Vec::new();
        let mut text = String::new();
        // The open group: where it started, its finished alternatives, and the current one.
        let mut group: Option<(Place, Vec<String>)> = None;
        let mut cursor = Cursor { line: 1, column: 1 };
        let mut chars = template.chars().peekable();
        while let Some(c) = chars.next() {
            let here = cursor.advance(c);
            match c {
                '\\' => match chars.peek() {
                    Some(&next @ ('{' | '}' | '|' | '\\')) => {
                        cursor.advance(next);
                        chars.next();
                        text.push(next);
                    }
                    _ => text.push('\\'),
                },
                '{' if group.is_some() => return Err(MatrixError::Nested(here)),
                '{' => {
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    group = Some((here, Vec::new()));
                }
                '|' => match &mut group {
                    Some((_, alternatives)) => alternatives.push(std::mem::take(&mut text)),
                    None => text.push('|'),
                },
                '}' => {
                    let Some((start, mut alternatives)) = group.take() else {
                        return Err(MatrixError::LoneClose(here));
                    };
                    let last = std::mem::take(&mut text);
                    if alternatives.is_empty() {
                        return Err(if last.is_empty() {
                            MatrixError::Empty(start)
                        } else {
                            MatrixError::Single(start)
                        });
                    }
                    alternatives.push(last);
                    parts.push(Part::Group(alternatives));
                }
                c => text.push(c),
            }
        }
        if let Some((start, _)) = group {
            return Err(MatrixError::Unclosed(start));
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Matrix { parts })
    }

    /// How many prompts the template stands for (saturating: a template can describe more
    /// than anyone could send, and that must be refusable without listing them).
    pub fn count(&self) -> u64 {
        self.groups()
            .map(|alternatives| alternatives.len() as u64)
            .fold(1, u64::saturating_mul)
    }

    /// Every prompt, in the documented order. Lazy, so taking the first few is cheap.
    pub fn prompts(&self) -> Prompts<'_> {
        let sizes: Vec<usize> = self.groups().map(Vec::len).collect();
        Prompts {
            matrix: self,
            choice: vec![0; sizes.len()],
            sizes,
            done: false,
        }
    }

    fn groups(&self) -> impl Iterator<Item = &Vec<String>> {
        self.parts.iter().filter_map(|part| match part {
            Part::Group(alternatives) => Some(alternatives),
            Part::Text(_) => None,
        })
    }
}

/// The prompts of a [`Matrix`]: an odometer over the groups, last group fastest.
pub struct Prompts<'a> {
    matrix: &'a Matrix,
    /// Per group, the index of the alternative in the next prompt.
    choice: Vec<usize>,
    /// Per group, how many alternatives it has.
    sizes: Vec<usize>,
    done: bool,
}

impl Iterator for Prompts<'_> {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        if self.done {
            return None;
        }
        let mut prompt = String::new();
        let mut choices = self.choice.iter();
        for part in &self.matrix.parts {
            match part {
                Part::Text(text) => prompt.push_str(text),
                Part::Group(alternatives) => {
                    let index = choices.next().copied().unwrap_or(0);
                    prompt.push_str(alternatives.get(index).map_or("", String::as_str));
                }
            }
        }
        // Advance the odometer: the last group turns first, carrying into the one before.
        self.done = true;
        for (choice, size) in self.choice.iter_mut().zip(&self.sizes).rev() {
            *choice += 1;
            if *choice < *size {
                self.done = false;
                break;
            }
            *choice = 0;
        }
        Some(prompt)
    }
}

/// `text` written so that [`Matrix::parse`] reads it back as exactly `text`, one prompt.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '{' | '}' | '|' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(template: &str) -> Vec<String> {
        Matrix::parse(template).unwrap().prompts().collect()
    }

    fn error(template: &str) -> MatrixError {
        Matrix::parse(template).unwrap_err()
    }

    #[test]
    fn groups_expand_to_every_combination_first_group_slowest() {
        assert_eq!(
            expand("a {red|blue} fox {runs|sleeps}"),
            [
                "a red fox runs",
                "a red fox sleeps",
                "a blue fox runs",
                "a blue fox sleeps"
            ]
        );
        assert_eq!(
            Matrix::parse("a {red|blue} fox {runs|sleeps}")
                .unwrap()
                .count(),
            4
        );
    }

    #[test]
    fn a_plain_prompt_is_itself() {
        let matrix = Matrix::parse("slow dolly in | dusk light\nC:\\frames").unwrap();
        assert_eq!(matrix.count(), 1);
        assert_eq!(
            matrix.prompts().collect::<Vec<_>>(),
            ["slow dolly in | dusk light\nC:\\frames"]
        );
        assert_eq!(expand(""), [""]);
    }

    #[test]
    fn escapes_are_literal() {
        assert_eq!(
            expand(r"a \{red\|blue\} fox \\ {x|y}"),
            [r"a {red|blue} fox \ x", r"a {red|blue} fox \ y"]
        );
        assert_eq!(expand(r"{a\}|b\{}"), ["a}", "b{"]);
        assert_eq!(expand(r"{a\|b|c}"), ["a|b", "c"]);
        // A backslash before anything else, or at the end, stays.
        assert_eq!(expand(r"\n \d \"), [r"\n \d \"]);
    }

    #[test]
    fn alternatives_are_taken_as_written() {
        assert_eq!(expand("{ red | blue }"), [" red ", " blue "]);
        assert_eq!(expand("{slow |}dolly"), ["slow dolly", "dolly"]);
        assert_eq!(expand("{a|a}"), ["a", "a"]);
    }

    #[test]
    fn three_groups_count_like_nested_loops() {
        let prompts = expand("{a|b}{1|2|3}{x|y}");
        assert_eq!(prompts.len(), 12);
        assert_eq!(&prompts[..4], ["a1x", "a1y", "a2x", "a2y"]);
        assert_eq!(prompts[11], "b3y");
    }

    #[test]
    fn broken_braces_name_their_column() {
        assert_eq!(
            error("a {red|blue fox"),
            MatrixError::Unclosed(Place { line: 1, column: 3 })
        );
        assert_eq!(
            error("a red} fox"),
            MatrixError::LoneClose(Place { line: 1, column: 6 })
        );
        assert_eq!(
            error("a {} fox"),
            MatrixError::Empty(Place { line: 1, column: 3 })
        );
        assert_eq!(
            error("a {red} fox"),
            MatrixError::Single(Place { line: 1, column: 3 })
        );
        assert_eq!(
            error("{a|{b|c}}"),
            MatrixError::Nested(Place { line: 1, column: 4 })
        );
        // Columns count characters, not bytes, and restart on each line.
        assert_eq!(
            error("ünïcode\nline two {oops"),
            MatrixError::Unclosed(Place {
                line: 2,
                column: 10
            })
        );
        // An escape takes two columns.
        assert_eq!(
            error(r"\{ } "),
            MatrixError::LoneClose(Place { line: 1, column: 4 })
        );
    }

    #[test]
    fn messages_say_where_and_how_to_write_a_literal_brace() {
        let text = error("a {red").to_string();
        assert!(text.contains("column 3"), "{text}");
        assert!(text.contains(r"\{"), "{text}");
        let text = error("x\n}").to_string();
        assert!(text.contains("line 2, column 1"), "{text}");
        assert!(text.contains(r"\}"), "{text}");
    }

    #[test]
    fn huge_matrices_are_counted_without_listing_them() {
        let template = "{a|b|c|d|e|f|g|h|i|j}".repeat(30);
        let matrix = Matrix::parse(&template).unwrap();
        assert_eq!(matrix.count(), u64::MAX);
        assert_eq!(matrix.prompts().next().unwrap(), "a".repeat(30));
    }

    /// Random templates from a small alphabet heavy in the special characters.
    fn random_text(rng: &mut fastrand::Rng, max_len: usize) -> String {
        const ALPHABET: &[char] = &['a', 'b', ' ', '{', '}', '|', '\\', 'é', '\n'];
        let len = rng.usize(0..=max_len);
        (0..len)
            .map(|_| ALPHABET[rng.usize(..ALPHABET.len())])
            .collect()
    }

    #[test]
    fn property_escaped_text_is_one_prompt_equal_to_itself() {
        let mut rng = fastrand::Rng::with_seed(9);
        for _ in 0..2000 {
            let text = random_text(&mut rng, 23);
            let matrix = Matrix::parse(&escape(&text)).unwrap();
            assert_eq!(matrix.count(), 1, "{text:?}");
            assert_eq!(matrix.prompts().collect::<Vec<_>>(), [text]);
        }
    }

    #[test]
    fn property_expansion_is_the_product_of_the_groups_in_order() {
        let mut rng = fastrand::Rng::with_seed(8);
        for _ in 0..500 {
            // Build a template from known pieces, so the expected prompts are known too.
            let mut template = String::new();
            let mut expected = vec![String::new()];
            for _ in 0..rng.usize(0..4) {
                let text = random_text(&mut rng, 5);
                template.push_str(&escape(&text));
                for prompt in &mut expected {
                    prompt.push_str(&text);
                }
                let alternatives: Vec<String> = (0..rng.usize(2..4))
                    .map(|_| random_text(&mut rng, 3))
                    .collect();
                let escaped: Vec<String> = alternatives.iter().map(|a| escape(a)).collect();
                template.push('{');
                template.push_str(&escaped.join("|"));
                template.push('}');
                expected = expected
                    .iter()
                    .flat_map(|prefix| alternatives.iter().map(move |a| format!("{prefix}{a}")))
                    .collect();
            }
            let matrix = Matrix::parse(&template).unwrap();
            let prompts: Vec<String> = matrix.prompts().collect();
            assert_eq!(prompts, expected, "{template:?}");
            assert_eq!(matrix.count(), expected.len() as u64);
        }
    }

    #[test]
    fn property_any_text_parses_or_names_a_brace_inside_it() {
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..5000 {
            let text = random_text(&mut rng, 29);
            match Matrix::parse(&text) {
                Ok(matrix) => {
                    assert_eq!(matrix.prompts().count() as u64, matrix.count(), "{text:?}")
                }
                Err(err) => {
                    let place = err.place();
                    let line = text.split('\n').nth(place.line - 1).unwrap_or_default();
                    let at = line.chars().nth(place.column - 1);
                    assert!(
                        matches!(at, Some('{' | '}')),
                        "{text:?}: {err} points at {at:?}"
                    );
                }
            }
        }
    }
}
