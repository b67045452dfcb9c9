//! A history job's prompt (old, −) against the editor's (new, +): both versions in full,
//! with the words that differ highlighted in each, found by a word diff.

use ratatui::text::{Line, Span};
use similar::{ChangeTag, TextDiff};

use i2v_store::JobId;

use super::scroll::Text;
use super::scroll::TextView;
use crate::text::sanitize;
use crate::ui::component::View;
use crate::ui::draw::wrap_lines;
use crate::ui::theme::Theme;

pub(crate) struct Diff {
    id: JobId,
    /// The editor's prompt when the diff was asked for (it cannot change while the diff is
    /// open).
    prompt: String,
}

impl Diff {
    pub fn open(id: JobId, prompt: String) -> TextView<Self> {
        TextView::new(Self { id, prompt })
    }
}

impl Text for Diff {
    fn title(&self) -> String {
        "Diff — Esc closes".to_owned()
    }

    fn lines(&self, view: &View, width: usize) -> Vec<Line<'static>> {
        lines(view, &self.id, &self.prompt, width)
    }

    fn job(&self) -> Option<&JobId> {
        Some(&self.id)
    }
}

fn lines(view: &View, id: &JobId, new: &str, width: usize) -> Vec<Line<'static>> {
    let Some(entry) = view.book.get(id) else {
        return vec![crate::ui::overlays::unread(view.book, id)];
    };
    let old = format!("job {}", sanitize(id.as_str()));
    prompt_diff(
        view.theme,
        (&old, &entry.record.input.prompt),
        ("editor", new),
        width,
    )
}

/// Two prompts, `old` (−) and `new` (+), each `(label, text)`: both versions in full, the
/// words that differ emphasised in each, then how many words changed. Wrapped to `width`.
pub(crate) fn prompt_diff(
    theme: &Theme,
    (old_label, old): (&str, &str),
    (new_label, new): (&str, &str),
    width: usize,
) -> Vec<Line<'static>> {
    if old == new {
        return vec![Line::styled("The prompts are identical.", theme.muted())];
    }
    let diff = TextDiff::from_words(old, new);
    let changes: Vec<(ChangeTag, &str)> = diff
        .iter_all_changes()
        .map(|c| (c.tag(), c.value()))
        .collect();
    let (mut removed, mut added) = (0, 0);
    for (tag, value) in &changes {
        if !value.trim().is_empty() {
            match tag {
                ChangeTag::Delete => removed += 1,
                ChangeTag::Insert => added += 1,
                ChangeTag::Equal => {}
            }
        }
    }
    let mut lines = vec![Line::styled(format!("− {old_label}"), theme.diff_remove())];
    lines.extend(side(theme, &changes, ChangeTag::Delete));
    lines.push(Line::from(""));
    lines.push(Line::styled(format!("+ {new_label}"), theme.diff_add()));
    lines.extend(side(theme, &changes, ChangeTag::Insert));
    lines.push(Line::from(""));
    lines.push(Line::styled(
        format!("{removed} word(s) removed, {added} added"),
        theme.muted(),
    ));
    wrap_lines(lines, width)
}

/// One version of the prompt: the equal parts plus the `changed` ones, emphasised.
fn side(theme: &Theme, changes: &[(ChangeTag, &str)], changed: ChangeTag) -> Vec<Line<'static>> {
    let (style, open, close) = match changed {
        ChangeTag::Delete => (theme.diff_remove(), "[-", "-]"),
        _ => (theme.diff_add(), "{+", "+}"),
    };
    // Without colour, mark changes the way `git diff --word-diff` does.
    let marks = !theme.color;
    let mut lines = Vec::new();
    let mut spans: Vec<Span<'static>> = vec![Span::raw("  ")];
    for &(tag, value) in changes {
        if tag != ChangeTag::Equal && tag != changed {
            continue;
        }
        let mut parts = value.split('\n').peekable();
        while let Some(part) = parts.next() {
            let part = sanitize(part);
            if !part.is_empty() {
                spans.push(match tag {
                    ChangeTag::Equal => Span::styled(part, theme.base()),
                    _ if marks && !part.trim().is_empty() => {
                        Span::styled(format!("{open}{part}{close}"), style)
                    }
                    _ => Span::styled(part, style),
                });
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
