//! The left column: prompt editor, image field and optimizer toggle.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::pane;
use crate::text::sanitize;
use crate::ui::app::{App, Focus};
use crate::ui::keys::Action;
use crate::ui::layout::{self, Areas};

pub(super) fn draw(app: &App, frame: &mut Frame, areas: &Areas) {
    prompt(app, frame, areas.editor);
    image(app, frame, areas.image);
    optimizer(app, frame, areas.optimizer);
}

fn prompt(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let focused = app.focus == Focus::Editor;
    let chars: usize = app
        .editor
        .lines()
        .iter()
        .map(|l| l.chars().count())
        .sum::<usize>()
        + app.editor.lines().len().saturating_sub(1);
    let mut title = vec![
        Span::raw(" Prompt "),
        Span::styled(format!("· {chars} chars "), theme.muted()),
    ];
    if chars > crate::input_limits::MAX_PROMPT_CHARS {
        title.push(Span::styled(
            format!(
                "· over {}: fal may refuse it ",
                crate::input_limits::MAX_PROMPT_CHARS
            ),
            theme.error(),
        ));
    }
    if focused && let Some(key) = app.keys.short_label(Action::EditExternally) {
        title.push(Span::styled(format!("· {key} $EDITOR "), theme.muted()));
    }
    let block = pane(theme, Line::from(title), focused);
    frame.render_widget(block, area);
    frame.render_widget(&app.editor, layout::inner(area));
}

fn image(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let focused = app.focus == Focus::Image;
    frame.render_widget(pane(theme, Line::from(" Image "), focused), area);
    let inner = layout::inner(area);
    let field = Rect { height: 1, ..inner };
    frame.render_widget(&app.image, field);
    let text = app.image_text();
    let info = match &app.image_info {
        _ if text.is_empty() => {
            Line::from("PNG, JPEG or WebP file, or https:// URL").style(theme.muted())
        }
        Some((about, Ok(info))) if *about == text => match &info.limit {
            None => Line::from(format!("✓ {}", sanitize(&info.summary))).style(theme.notice()),
            Some(limit) => Line::from(format!("✗ {}", sanitize(limit))).style(theme.error()),
        },
        Some((about, Err(e))) if *about == text => {
            Line::from(format!("✗ {}", sanitize(e))).style(theme.error())
        }
        _ => Line::from("checking…").style(theme.muted()),
    };
    let info_area = Rect {
        y: inner.y + 1,
        height: inner.height.saturating_sub(1),
        ..inner
    };
    frame.render_widget(Paragraph::new(info), info_area);
}

fn optimizer(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let focused = app.focus == Focus::Optimizer;
    let mark = if app.optimizer { "[x]" } else { "[ ]" };
    let keys = [Action::Toggle, Action::ToggleOptimizer]
        .into_iter()
        .filter(|&a| focused || a == Action::ToggleOptimizer)
        .filter_map(|a| app.keys.short_label(a))
        .collect::<Vec<_>>()
        .join("/");
    let pointer = if focused { "›" } else { " " };
    let label = Span::styled(
        format!("{mark} prompt optimizer"),
        if focused {
            theme.selection()
        } else {
            theme.base()
        },
    );
    let line = Line::from(vec![
        Span::styled(pointer, theme.accent()),
        label,
        Span::styled(format!("  {keys} toggles"), theme.muted()),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}
