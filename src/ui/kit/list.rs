//! Where a list was drawn, recorded while drawing so the next update can page by what was
//! shown and map a click to its row without redoing the layout.

use ratatui::layout::Rect;

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct DrawnList {
    /// The rows the list had on screen.
    pub rows: Rect,
    /// Index of the first item shown.
    pub offset: usize,
}

impl DrawnList {
    /// The first item to show so that item `at` is visible in `height` rows: the selection
    /// stays on the last row once it is further down.
    pub fn offset_for(at: usize, height: usize) -> usize {
        (at + 1).saturating_sub(height)
    }

    /// Records a list drawn in `rows` from item `offset`.
    pub fn record(&mut self, rows: Rect, offset: usize) {
        *self = Self { rows, offset };
    }

    /// Items one page moves: the rows shown less one, at least one.
    pub fn page(&self) -> isize {
        self.rows.height.saturating_sub(1).max(1) as isize
    }

    /// The item on screen row `y`, if the list showed one there.
    pub fn item_at(&self, y: u16, len: usize) -> Option<usize> {
        if y < self.rows.y || y >= self.rows.bottom() {
            return None;
        }
        let i = self.offset + usize::from(y - self.rows.y);
        (i < len).then_some(i)
    }
}
