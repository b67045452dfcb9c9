//! Drawing the screen: the layout, then each pane and the open overlay draw themselves.
//! Drawing changes nothing the user sees in the state; it records the sizes the next update
//! needs (rows shown, wrap widths), so `update` never has to work them out again.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use i2v_store::JobId;

use crate::ui::kit::component::View;
use crate::ui::kit::layout::{self, MIN_HEIGHT, MIN_WIDTH};
use crate::ui::model::focus::Focus;
use crate::ui::model::keys::Action;
use crate::ui::shell::app::App;
use crate::ui::shell::status_bar;

/// Draws the whole screen for the current state.
pub fn draw(app: &mut App, frame: &mut Frame) {
    let area = frame.area();
    frame.render_widget(Block::new().style(app.settings.theme.base()), area);
    if layout::too_small(area) {
        app.screen.drawn = None;
        // Short lines, so that a narrow screen shows them whole, and the one key that works.
        let quit = app.settings.keys.short_label(Action::Quit);
        let lines: Vec<Line> = [
            Some("terminal too small".to_owned()),
            Some(format!(
                "need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{}",
                area.width, area.height
            )),
            quit.map(|key| format!("{key} quits")),
        ]
        .into_iter()
        .flatten()
        .map(Line::from)
        .collect();
        let rows = (lines.len() as u16).min(area.height);
        let top = area.y + area.height.saturating_sub(rows) / 2;
        frame.render_widget(
            Paragraph::new(lines)
                .alignment(Alignment::Center)
                .style(app.settings.theme.error()),
            Rect::new(area.x, top, area.width, rows),
        );
        return;
    }
    let banner = app.banner_text().map(str::to_owned);
    // A thumbnail makes the image field taller, where the prompt keeps room enough.
    let image_rows = if app.panes.image.has_thumbnail() && area.height >= 30 {
        9
    } else {
        4
    };
    let areas = layout::areas(area, banner.is_some(), image_rows);
    app.screen.drawn = Some(areas);
    if let (Some(rect), Some(text)) = (areas.banner, banner) {
        frame.render_widget(
            Paragraph::new(format!(" {text}")).style(app.settings.theme.banner()),
            rect,
        );
    }
    let view = |focused: bool, elsewhere| View {
        theme: &app.settings.theme,
        keys: &app.settings.keys,
        book: &app.book,
        now: app.time.now,
        ticks: app.time.ticks,
        messages: app.messages.log(),
        media: &app.media,
        spend: app.spend.shown,
        focused,
        elsewhere,
    };
    let focus = app.focus;
    let panes = &mut app.panes;
    for (pane, rect) in [
        (Focus::Editor, areas.editor),
        (Focus::Image, areas.image),
        (Focus::Optimizer, areas.optimizer),
        (Focus::Queue, areas.queue),
        (Focus::History, areas.history),
    ] {
        panes
            .get_mut(pane)
            .draw(&view(focus == pane, &[]), frame, rect);
    }
    panes.queue.draw_logs(&view(false, &[]), frame, areas.logs);
    if app.overlay.is_none() {
        panes.get_mut(focus).draw_popup(&view(true, &[]), frame);
    }
    // A view finds some of its commands as it draws (the shots a job's details can walk to),
    // so the status bar comes after it, unless the view covers it.
    let overlay_rect = app.overlay.as_ref().map(|o| o.rect(area));
    let status_last = overlay_rect.is_some_and(|rect| !rect.intersects(areas.status));
    if !status_last {
        status_bar::draw(app, frame, areas.status);
    }
    // The view it was opened from (a grid, the full-screen player) stays in sight under the
    // one open (a note, help, a cell's details), unless that covers it whole. The jobs the
    // open one shows pictures of are drawn still beneath: a player makes frames of one size.
    let shown_above: Vec<JobId> = app
        .overlay
        .as_ref()
        .map(|o| {
            o.shows_frames_of()
                .into_iter()
                .chain(o.job().cloned())
                .collect()
        })
        .unwrap_or_default();
    if let (Some(under), Some(above)) = (app.beneath.last_mut(), overlay_rect) {
        let rect = under.rect(area);
        if above.intersection(rect) != rect {
            under.draw(&view(false, &shown_above), frame, rect);
        }
    }
    if let (Some(overlay), Some(rect)) = (app.overlay.as_mut(), overlay_rect) {
        overlay.draw(&view(true, &[]), frame, rect);
    }
    if status_last {
        status_bar::draw(app, frame, areas.status);
    }
}
