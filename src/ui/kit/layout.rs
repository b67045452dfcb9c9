//! Where each pane goes: a pure function of the screen size, used by `draw` (which records
//! the outcome for the next update).

use ratatui::layout::{Constraint, Layout, Rect};

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

#[derive(Clone, Copy, Debug)]
pub(crate) struct Areas {
    pub banner: Option<Rect>,
    pub editor: Rect,
    pub image: Rect,
    pub optimizer: Rect,
    pub queue: Rect,
    pub logs: Rect,
    pub history: Rect,
    pub status: Rect,
}

/// The screen as the app knows it: its size, and where the last frame put each pane.
pub(crate) struct Screen {
    pub size: Rect,
    /// `None` before the first frame, or on a screen too small: what a click hits.
    pub drawn: Option<Areas>,
}

impl Screen {
    pub fn new() -> Screen {
        Screen {
            size: Rect::new(0, 0, MIN_WIDTH, MIN_HEIGHT),
            drawn: None,
        }
    }

    pub fn too_small(&self) -> bool {
        too_small(self.size)
    }
}

pub(crate) fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// ```text
/// [banner]
/// ┌prompt──────────┐┌queue─────┐
/// │                ││          │
/// └────────────────┘└──────────┘
/// ┌image───────────┐┌logs──────┐
/// └────────────────┘│          │
///  [x] optimizer    └──────────┘
/// ┌history───────────────────────┐
/// └──────────────────────────────┘
///  status
/// ```
/// `image_rows` is the image field's height: 4, or more when it shows a thumbnail.
pub(crate) fn areas(area: Rect, banner: bool, image_rows: u16) -> Areas {
    let [banner_area, body, status] = Layout::vertical([
        Constraint::Length(u16::from(banner)),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    let history_height = (body.height / 3).max(7);
    let [top, history] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(history_height)]).areas(body);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(top);
    let [editor, image, optimizer] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(image_rows),
        Constraint::Length(1),
    ])
    .areas(left);
    let [queue, logs] =
        Layout::vertical([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(right);
    Areas {
        banner: banner.then_some(banner_area),
        editor,
        image,
        optimizer,
        queue,
        logs,
        history,
        status,
    }
}

/// A centred box for overlays, `pct` of the screen each way (at least `min` cells).
pub(crate) fn centered(area: Rect, pct_w: u16, pct_h: u16, min_w: u16, min_h: u16) -> Rect {
    let w = (area.width * pct_w / 100).max(min_w).min(area.width);
    let h = (area.height * pct_h / 100).max(min_h).min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
