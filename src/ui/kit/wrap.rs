//! Wrapping styled lines to a width ourselves, so scrolling knows exactly how many rows
//! there are (ratatui's own wrapping does not say).

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

/// Word-wraps each line to `width` columns, keeping span styles; continuation rows are
/// indented like the line's own leading spaces.
pub(crate) fn wrap_lines(lines: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let text = line.to_string();
        let hang = text.len() - text.trim_start_matches(' ').len();
        out.extend(wrap_line(line, width, hang));
    }
    out
}

/// Word-wraps one line; continuation rows start with `hang` spaces. Words longer than a
/// row are split.
pub(crate) fn wrap_line(line: Line<'static>, width: usize, hang: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let hang = if hang * 2 > width { 0 } else { hang };
    let line_style = line.style;
    // (char, width, style), split into words: a run of non-spaces plus the spaces after it.
    let cells: Vec<(char, usize, Style)> = line
        .spans
        .iter()
        .flat_map(|s| {
            s.content
                .chars()
                .map(move |c| (c, c.width().unwrap_or(0), s.style))
        })
        .collect();
    let mut words: Vec<&[(char, usize, Style)]> = Vec::new();
    let mut start = 0;
    for i in 1..=cells.len() {
        let boundary = i == cells.len() || (cells[i - 1].0 == ' ' && cells[i].0 != ' ');
        if boundary {
            words.push(&cells[start..i]);
            start = i;
        }
    }

    let mut rows: Vec<Vec<(char, Style)>> = vec![Vec::new()];
    let mut used = 0;
    for word in words {
        let trimmed_width: usize = word.iter().filter(|c| c.0 != ' ').map(|c| c.1).sum();
        if used > 0 && used + trimmed_width > width && trimmed_width <= width - hang {
            rows.push(vec![(' ', Style::new()); hang]);
            used = hang;
        }
        for &(c, w, style) in word {
            if used + w > width {
                if c == ' ' {
                    continue; // trailing spaces may overflow: drop them
                }
                rows.push(vec![(' ', Style::new()); hang]);
                used = hang;
            }
            if let Some(row) = rows.last_mut() {
                row.push((c, style));
            }
            used += w;
        }
    }
    rows.into_iter()
        .map(|row| Line::from(spans(row)).style(line_style))
        .collect()
}

/// Joins consecutive same-styled characters into spans.
fn spans(row: Vec<(char, Style)>) -> Vec<Span<'static>> {
    let mut out: Vec<Span<'static>> = Vec::new();
    for (c, style) in row {
        match out.last_mut() {
            Some(last) if last.style == style => last.content.to_mut().push(c),
            _ => out.push(Span::styled(c.to_string(), style)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Stylize;

    fn texts(lines: &[Line]) -> Vec<String> {
        lines.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn wraps_at_words_and_keeps_styles() {
        let line = Line::from(vec![Span::raw("one two "), Span::raw("three").red()]);
        let rows = wrap_lines(vec![line, Line::from("")], 9);
        assert_eq!(texts(&rows), ["one two ", "three", ""]);
        assert_eq!(rows[1].spans[0].style, Style::new().red());
    }

    #[test]
    fn continuation_rows_hang_under_the_indent() {
        let rows = wrap_lines(vec![Line::from("  alpha beta gamma")], 12);
        assert_eq!(texts(&rows), ["  alpha beta", "  gamma"]);
    }

    #[test]
    fn long_words_are_split() {
        let rows = wrap_line(Line::from("abcdefghij"), 4, 0);
        assert_eq!(texts(&rows), ["abcd", "efgh", "ij"]);
    }
}
