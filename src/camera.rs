//! Hailuo's camera commands: MiniMax documents bracketed commands (`[Pan left]`, `[Push in]`)
//! that its models follow more reliably than the same words in prose, up to three in one
//! bracket acting together (`[Pan left, Pedestal up]`). The prompt editor offers them after
//! `[`, marks the known ones and flags a bracket holding something else.

use std::ops::Range;

/// Every command MiniMax documents, in its own spelling.
pub const COMMANDS: [&str; 15] = [
    "Truck left",
    "Truck right",
    "Pan left",
    "Pan right",
    "Push in",
    "Pull out",
    "Pedestal up",
    "Pedestal down",
    "Tilt up",
    "Tilt down",
    "Zoom in",
    "Zoom out",
    "Shake",
    "Tracking shot",
    "Static shot",
];

/// The most commands one bracket takes.
pub const MAX_IN_ONE: usize = 3;

/// The commands `typed` (what follows `[` or a comma inside a bracket) could become: those
/// whose words begin with its words, in order, ignoring case (`pa` → the two pans, `pan l`
/// → Pan left).
pub fn offered(typed: &str) -> Vec<&'static str> {
    let wanted: Vec<String> = typed.split_whitespace().map(str::to_lowercase).collect();
    COMMANDS
        .into_iter()
        .filter(|command| {
            let words: Vec<String> = command.split(' ').map(str::to_lowercase).collect();
            wanted.len() <= words.len()
                && wanted
                    .iter()
                    .zip(&words)
                    .all(|(want, word)| word.starts_with(want.as_str()))
        })
        .collect()
}

/// The command `text` names, ignoring case and spacing.
pub fn known(text: &str) -> Option<&'static str> {
    let words: Vec<&str> = text.split_whitespace().collect();
    COMMANDS.into_iter().find(|command| {
        let theirs: Vec<&str> = command.split(' ').collect();
        theirs.len() == words.len()
            && theirs
                .iter()
                .zip(&words)
                .all(|(a, b)| a.eq_ignore_ascii_case(b))
    })
}

/// A bracket in a line of the prompt, as byte ranges of the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bracket {
    /// From `[` to `]`, both included.
    pub range: Range<usize>,
    /// Every command in it is known, and there are at most [`MAX_IN_ONE`].
    pub known: bool,
}

/// A regular expression matching a closed bracket of known commands (at most
/// [`MAX_IN_ONE`], any case and spacing): what the editor shows in colour.
pub fn known_bracket_pattern() -> String {
    let command = COMMANDS
        .iter()
        .map(|c| c.replace(' ', r"\s+"))
        .collect::<Vec<_>>()
        .join("|");
    let one = format!(r"\s*(?:{command})\s*");
    format!(r"(?i)\[{one}(?:,{one}){{0,{}}}\]", MAX_IN_ONE - 1)
}

/// The closed brackets of one line (`[` … `]`, not nested).
pub fn brackets(line: &str) -> Vec<Bracket> {
    let mut found = Vec::new();
    let mut rest = 0;
    while let Some(open) = line[rest..].find('[').map(|at| rest + at) {
        let Some(close) = line[open + 1..].find(['[', ']']).map(|at| open + 1 + at) else {
            break;
        };
        if line.as_bytes()[close] == b'[' {
            rest = close;
            continue;
        }
        let inside: Vec<&str> = line[open + 1..close].split(',').collect();
        let known = inside.len() <= MAX_IN_ONE && inside.iter().all(|c| self::known(c).is_some());
        found.push(Bracket {
            range: open..close + 1,
            known,
        });
        rest = close + 1;
    }
    found
}

/// Where a command being typed starts, when the cursor (a byte offset in `line`) is inside
/// an open bracket: just after the `[` or the last comma before the cursor. `None` outside
/// a bracket, or when the bracket already holds [`MAX_IN_ONE`] commands before this one.
pub fn typing_at(line: &str, cursor: usize) -> Option<usize> {
    let before = line.get(..cursor)?;
    let open = before.rfind('[')?;
    if before[open..].contains(']') {
        return None;
    }
    let inside = &before[open + 1..];
    if inside.matches(',').count() >= MAX_IN_ONE {
        return None;
    }
    Some(open + 1 + inside.rfind(',').map_or(0, |comma| comma + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offered_filters_by_the_start_of_each_word() {
        assert_eq!(offered("").len(), COMMANDS.len());
        assert_eq!(offered("pa"), ["Pan left", "Pan right"]);
        assert_eq!(
            offered("P"),
            [
                "Pan left",
                "Pan right",
                "Push in",
                "Pull out",
                "Pedestal up",
                "Pedestal down"
            ]
        );
        assert_eq!(offered("pan l"), ["Pan left"]);
        assert_eq!(offered(" zoom "), ["Zoom in", "Zoom out"]);
        assert!(offered("dolly").is_empty());
    }

    #[test]
    fn the_pattern_matches_the_brackets_brackets_calls_known() {
        let pattern = regex::Regex::new(&known_bracket_pattern()).unwrap();
        let line = "A fox [Pan left] then [push IN,  Tilt up] and [Dolly zoom] [a,b,c,d] \
                    [Pan left, Tilt up, Zoom in, Shake] [Shake]";
        let matched: Vec<&str> = pattern.find_iter(line).map(|m| m.as_str()).collect();
        let known: Vec<&str> = brackets(line)
            .into_iter()
            .filter(|b| b.known)
            .map(|b| &line[b.range])
            .collect();
        assert_eq!(matched, ["[Pan left]", "[push IN,  Tilt up]", "[Shake]"]);
        assert_eq!(matched, known);
    }

    #[test]
    fn known_ignores_case_and_spacing() {
        assert_eq!(known(" pan  LEFT "), Some("Pan left"));
        assert_eq!(known("Shake"), Some("Shake"));
        assert_eq!(known("Pan"), None);
        assert_eq!(known("Dolly zoom"), None);
    }

    #[test]
    fn brackets_are_known_when_every_command_is() {
        let line = "A fox [Pan left] then [Push in, Tilt up] and [Dolly zoom] [a,b,c,d]";
        let found = brackets(line);
        let shown: Vec<(&str, bool)> = found
            .iter()
            .map(|b| (&line[b.range.clone()], b.known))
            .collect();
        assert_eq!(
            shown,
            [
                ("[Pan left]", true),
                ("[Push in, Tilt up]", true),
                ("[Dolly zoom]", false),
                ("[a,b,c,d]", false),
            ]
        );
        let four = "[Pan left, Tilt up, Zoom in, Shake]";
        assert!(!brackets(four)[0].known, "at most three act together");
        assert!(brackets("an open [Pan left").is_empty());
        assert_eq!(brackets("[[Pan left]")[0].range, 1..11);
    }

    #[test]
    fn typing_at_finds_the_command_being_typed() {
        assert_eq!(typing_at("a fox [pa", 9), Some(7));
        assert_eq!(typing_at("a fox [Pan left, ti", 19), Some(16));
        assert_eq!(typing_at("a fox [Pan left] x", 18), None);
        assert_eq!(typing_at("no bracket", 5), None);
        assert_eq!(typing_at("[a, b, c, d", 11), None);
    }
}
