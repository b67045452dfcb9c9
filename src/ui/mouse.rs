//! The mouse, when `[ui] mouse = true`: a click focuses the pane under it (and selects the
//! row clicked in a list), the wheel scrolls what is under it.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::app::{App, Focus};
use super::effect::Effect;
use super::keys::Action;
use super::layout;

impl App {
    pub(crate) fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
        if layout::too_small(self.size) {
            return Vec::new();
        }
        let at = Position::new(mouse.column, mouse.row);
        let wheel = match mouse.kind {
            MouseEventKind::ScrollUp => Some(Action::Up),
            MouseEventKind::ScrollDown => Some(Action::Down),
            _ => None,
        };
        if self.overlay.is_some() {
            if let Some(action) = wheel {
                self.scroll_overlay(action);
            }
            return Vec::new();
        }
        let areas = self.areas();
        let delta = if wheel == Some(Action::Up) { -1 } else { 1 };
        match (mouse.kind, wheel) {
            (MouseEventKind::Down(MouseButton::Left), _) => {
                let focus = [
                    (areas.editor, Focus::Editor),
                    (areas.image, Focus::Image),
                    (areas.optimizer, Focus::Optimizer),
                    (areas.queue, Focus::Queue),
                    (areas.logs, Focus::Queue),
                    (areas.history, Focus::History),
                ]
                .into_iter()
                .find(|(area, _)| area.contains(at));
                if let Some((_, focus)) = focus {
                    self.focus = focus;
                    self.history.filtering = false;
                    self.style_fields();
                }
                if areas.queue.contains(at) {
                    self.click_queue_row(areas.queue, at.y);
                } else if areas.history.contains(at) {
                    self.click_history_row(areas.history, at.y);
                }
            }
            (_, Some(action)) if areas.logs.contains(at) => {
                self.scroll_logs(action, layout::inner(areas.logs));
            }
            (_, Some(_)) if areas.queue.contains(at) => {
                let ids = self.queue_ids();
                self.queue.selected =
                    super::input::step(&ids, self.queue_selected().as_ref(), delta);
            }
            (_, Some(_)) if areas.history.contains(at) => self.move_history(delta),
            _ => {}
        }
        Vec::new()
    }

    /// Selects the queue row at screen row `y`, scrolled as `draw` shows it.
    fn click_queue_row(&mut self, area: Rect, y: u16) {
        let ids = self.queue_ids();
        let inner = layout::inner(area);
        if let Some(i) = row_at(&ids, self.queue_selected().as_ref(), inner, y) {
            if self.queue.selected.as_ref() != Some(&ids[i]) {
                self.queue.follow = true;
                self.queue.log_top = 0;
            }
            self.queue.selected = Some(ids[i].clone());
        }
    }

    fn click_history_row(&mut self, area: Rect, y: u16) {
        let mut inner = layout::inner(area);
        // The filter line takes the pane's last row.
        if self.history.filtering || !self.history.filter.is_empty() {
            inner.height = inner.height.saturating_sub(1);
        }
        let ids = &self.history.visible;
        if let Some(i) = row_at(ids, self.history.selected.as_ref(), inner, y) {
            self.history.selected = Some(ids[i].clone());
        }
    }
}

/// Which of `ids` is on screen row `y` of a list drawn in `inner`, scrolled so `selected`
/// shows (the lists keep the selection on their last row when it is further down).
fn row_at<T: PartialEq>(ids: &[T], selected: Option<&T>, inner: Rect, y: u16) -> Option<usize> {
    if y < inner.y || y >= inner.bottom() {
        return None;
    }
    let at = selected
        .and_then(|s| ids.iter().position(|id| id == s))
        .unwrap_or(0);
    let offset = (at + 1).saturating_sub(usize::from(inner.height));
    let i = offset + usize::from(y - inner.y);
    (i < ids.len()).then_some(i)
}
