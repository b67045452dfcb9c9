//! How a grid of jobs is laid out on a screen: how many columns and rows of cells, so every
//! cell stays big enough to be a picture. On a small screen fewer cells fit a page, and the
//! rest are a page away.

use ratatui::layout::{Rect, Size};

/// A cell never gets smaller than this, border included (a picture of about 22×12 pixels
/// in halfblocks, its title and its state).
pub(crate) const MIN_CELL: Size = Size::new(24, 8);
/// Columns between two cells side by side.
const GAP: u16 = 1;
/// At most three across and three down: nine jobs, the most a grid takes.
const MOST: u16 = 3;

/// Columns and rows of cells on a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Shape {
    pub cols: u16,
    pub rows: u16,
}

impl Shape {
    pub fn per_page(self) -> usize {
        usize::from(self.cols * self.rows)
    }

    /// The shape for `jobs` cells in `area`: all of them on one page when they fit, with
    /// the largest pictures; else as many as fit, the rest on further pages.
    pub fn for_jobs(jobs: usize, area: Size) -> Shape {
        let candidates =
            (1..=MOST).flat_map(|cols| (1..=MOST).map(move |rows| Shape { cols, rows }));
        let fitting: Vec<Shape> = candidates.filter(|s| s.fits(area)).collect();
        let whole = fitting
            .iter()
            .filter(|s| s.per_page() >= jobs && s.per_page() - jobs < usize::from(s.cols))
            .max_by_key(|s| (s.picture(area), std::cmp::Reverse(s.per_page())));
        if let Some(shape) = whole {
            return *shape;
        }
        fitting
            .iter()
            .filter(|s| s.per_page() <= jobs)
            .max_by_key(|s| (s.per_page(), s.picture(area)))
            .copied()
            .unwrap_or(Shape { cols: 1, rows: 1 })
    }

    /// The size of one cell, border included.
    fn cell(self, area: Size) -> Size {
        let gaps = GAP * (self.cols - 1);
        Size::new(
            area.width.saturating_sub(gaps) / self.cols,
            area.height / self.rows,
        )
    }

    fn fits(self, area: Size) -> bool {
        let cell = self.cell(area);
        cell.width >= MIN_CELL.width && cell.height >= MIN_CELL.height
    }

    /// The pixels of a 16:9 picture in one cell's inside, in halfblocks.
    fn picture(self, area: Size) -> u32 {
        let cell = self.cell(area);
        let (w, h) = (
            u32::from(cell.width.saturating_sub(2)),
            u32::from(cell.height.saturating_sub(2)) * 2,
        );
        let width = w.min(h * 16 / 9);
        width * (width * 9 / 16)
    }

    /// Where cell `i` of the page goes in `area`: the cells together centred in it.
    pub fn cell_area(self, area: Rect, i: usize) -> Rect {
        let cell = self.cell(area.as_size());
        let used_width = self.cols * cell.width + GAP * (self.cols - 1);
        let left = area.x + area.width.saturating_sub(used_width) / 2;
        let top = area.y + area.height.saturating_sub(self.rows * cell.height) / 2;
        let (col, row) = (i as u16 % self.cols, i as u16 / self.cols);
        Rect::new(
            left + col * (cell.width + GAP),
            top + row * cell.height,
            cell.width,
            cell.height,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(jobs: usize, w: u16, h: u16) -> (u16, u16) {
        let s = Shape::for_jobs(jobs, Size::new(w, h));
        (s.cols, s.rows)
    }

    #[test]
    fn nine_jobs_fill_a_large_screen_and_page_on_a_small_one() {
        // 200×60 and 120×36 (less the frame and the status bar): three by three.
        assert_eq!(shape(9, 198, 57), (3, 3));
        assert_eq!(shape(9, 118, 33), (3, 3));
        // 80×24: six a page, the other three a page away.
        assert_eq!(shape(9, 78, 21), (3, 2));
    }

    #[test]
    fn fewer_jobs_get_bigger_cells() {
        assert_eq!(
            shape(3, 118, 33),
            (2, 2),
            "wider pictures than three in a row"
        );
        assert_eq!(shape(4, 78, 21), (2, 2));
        assert_eq!(shape(4, 198, 57), (2, 2));
        assert_eq!(shape(3, 198, 57), (2, 2));
        // Never a shape with a row left empty.
        for jobs in 3..=9 {
            for (w, h) in [(78, 21), (118, 33), (198, 57), (300, 90)] {
                let s = Shape::for_jobs(jobs, Size::new(w, h));
                let on_page = jobs.min(s.per_page());
                assert!(
                    s.per_page() - on_page < usize::from(s.cols),
                    "{jobs} at {w}×{h}: {s:?}"
                );
            }
        }
    }

    #[test]
    fn cells_tile_the_area_without_overlap() {
        let area = Rect::new(1, 1, 118, 33);
        let s = Shape { cols: 3, rows: 3 };
        let cells: Vec<Rect> = (0..9).map(|i| s.cell_area(area, i)).collect();
        for (i, a) in cells.iter().enumerate() {
            assert!(
                area.contains(a.as_position()) && a.right() <= area.right(),
                "{a:?}"
            );
            assert!(a.bottom() <= area.bottom());
            for b in &cells[i + 1..] {
                assert!(!a.intersects(*b), "{a:?} {b:?}");
            }
        }
    }
}
