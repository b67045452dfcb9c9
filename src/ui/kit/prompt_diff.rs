//! Two prompts side by side as a word diff: both versions in full, the words that differ
//! emphasised in each, and how many words changed (the diff view and the compare view).

use ratatui::text::{Line, Span};
use similar::{ChangeTag, TextDiff};

use crate::text::sanitize;
use crate::ui::kit::words;
use crate::ui::kit::wrap::wrap_lines;
use crate::ui::model::format::count;
use crate::ui::model::theme::Theme;

/// Two prompts, `old` (−) and `new` (+), each `(label, text)`: both versions in full, the
/// words that differ emphasised in each, then how many words changed. Wrapped to `width`.
/// Words are told apart from punctuation and spacing (see [`words`]), so the summary counts
/// what a person would.
pub(crate) fn prompt_diff(
    theme: &Theme,
    (old_label, old): (&str, &str),
    (new_label, new): (&str, &str),
    width: usize,
) -> Vec<Line<'static>> {
    if old == new {
        return vec![Line::styled("The prompts are identical.", theme.muted())];
    }
    let (old_tokens, new_tokens) = (words::tokens(old), words::tokens(new));
    let diff = TextDiff::from_slices(&old_tokens, &new_tokens);
    let changes: Vec<(ChangeTag, &str)> = diff
        .iter_all_changes()
        .map(|c| (c.tag(), c.value()))
        .collect();
    let mut lines = vec![Line::styled(format!("− {old_label}"), theme.diff_remove())];
    lines.extend(side(theme, &changes, ChangeTag::Delete));
    lines.push(Line::from(""));
    lines.push(Line::styled(format!("+ {new_label}"), theme.diff_add()));
    lines.extend(side(theme, &changes, ChangeTag::Insert));
    lines.push(Line::from(""));
    lines.push(Line::styled(summary(&changes), theme.muted()));
    wrap_lines(lines, width)
}

/// `1 word removed, 3 added`, `3 words added`, or that only punctuation or spacing changed.
fn summary(changes: &[(ChangeTag, &str)]) -> String {
    let words = |tag: ChangeTag| {
        changes
            .iter()
            .filter(|&&(t, value)| t == tag && words::is_word(value))
            .count()
    };
    match (words(ChangeTag::Delete), words(ChangeTag::Insert)) {
        (0, 0) => "The words are the same: only punctuation or spacing differs".to_owned(),
        (0, added) => format!("{} added", count(added, "word", "words")),
        (removed, 0) => format!("{} removed", count(removed, "word", "words")),
        (removed, added) => format!("{} removed, {added} added", count(removed, "word", "words")),
    }
}

/// One version of the prompt: the equal parts plus the `changed` ones, emphasised. A run of
/// changes is emphasised as one (`{+, storm rolling in+}`), the spacing around it left plain.
fn side(theme: &Theme, changes: &[(ChangeTag, &str)], changed: ChangeTag) -> Vec<Line<'static>> {
    let (style, open, close) = match changed {
        ChangeTag::Delete => (theme.diff_remove(), "[-", "-]"),
        _ => (theme.diff_add(), "{+", "+}"),
    };
    // Without colour, mark changes the way `git diff --word-diff` does.
    let marks = !theme.color;
    // This side's text in runs: (changed, text), a run of spacing joining the changes on
    // either side of it.
    let mut runs: Vec<(bool, String)> = Vec::new();
    for &(tag, value) in changes {
        if tag != ChangeTag::Equal && tag != changed {
            continue;
        }
        let is_change = tag == changed;
        match runs.last_mut() {
            Some((last, text)) if *last == is_change => text.push_str(value),
            _ => runs.push((is_change, value.to_owned())),
        }
    }
    // Spacing between two changes belongs to them; at a change's edges it stays plain.
    let mut pieces: Vec<(bool, String)> = Vec::new();
    for (at, (is_change, text)) in runs.iter().enumerate() {
        let joins = !is_change
            && text.trim().is_empty()
            && !text.contains('\n')
            && at > 0
            && at + 1 < runs.len();
        if !is_change && !joins {
            pieces.push((false, text.clone()));
            continue;
        }
        match pieces.last_mut() {
            Some((true, last)) => last.push_str(text),
            _ => pieces.push((true, text.clone())),
        }
    }
    let mut lines = Vec::new();
    let mut spans: Vec<Span<'static>> = vec![Span::raw("  ")];
    for (is_change, text) in pieces {
        let mut parts = text.split('\n').peekable();
        while let Some(part) = parts.next() {
            let part = sanitize(part);
            if is_change && !part.trim().is_empty() {
                // The spacing at its edges stays plain, so the marks hug the words.
                let body = part.trim();
                let lead = &part[..part.len() - part.trim_start().len()];
                let trail = &part[lead.len() + body.len()..];
                let body = match marks {
                    true => format!("{open}{body}{close}"),
                    false => body.to_owned(),
                };
                for (text, style) in [(lead, theme.base()), (&body, style), (trail, theme.base())] {
                    if !text.is_empty() {
                        spans.push(Span::styled(text.to_owned(), style));
                    }
                }
            } else if !part.is_empty() {
                spans.push(Span::styled(part, theme.base()));
            }
            if parts.peek().is_some() {
                lines.push(Line::from(std::mem::replace(
                    &mut spans,
                    vec![Span::raw("  ")],
                )));
            }
        }
    }
    lines.push(Line::from(spans));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn punctuation_beside_a_word_leaves_the_word_alone() {
        let lines = prompt_diff(
            &Theme::no_color(),
            ("old", "a lighthouse at dusk"),
            ("new", "a lighthouse at dusk, storm rolling in"),
            80,
        );
        assert_eq!(
            text(&lines),
            [
                "− old",
                "  a lighthouse at dusk",
                "",
                "+ new",
                "  a lighthouse at dusk{+, storm rolling in+}",
                "",
                "3 words added",
            ]
        );
    }

    #[test]
    fn the_summary_counts_words_with_plurals_right() {
        let summary = |old: &str, new: &str| {
            let lines = prompt_diff(&Theme::no_color(), ("o", old), ("n", new), 80);
            text(&lines).last().cloned().unwrap_or_default()
        };
        assert_eq!(summary("dusk, storm", "dusk"), "1 word removed");
        assert_eq!(
            summary("slow dolly in", "fast dolly out"),
            "2 words removed, 2 added"
        );
        assert_eq!(
            summary("warm light", "cold light"),
            "1 word removed, 1 added"
        );
        assert_eq!(
            summary("dusk, storm", "dusk; storm"),
            "The words are the same: only punctuation or spacing differs"
        );
    }

    #[test]
    fn changes_on_both_sides_of_a_space_are_marked_as_one() {
        let lines = prompt_diff(
            &Theme::no_color(),
            ("old", "slow dolly in at dusk"),
            ("new", "fast crane up at dusk"),
            80,
        );
        let text = text(&lines);
        assert_eq!(text[1], "  [-slow dolly in-] at dusk");
        assert_eq!(text[4], "  {+fast crane up+} at dusk");
    }
}
