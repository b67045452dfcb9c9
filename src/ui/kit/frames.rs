//! The frames of a finished job, as a view shows them: its strip (first, middle and last
//! frame, made in the background) or, while `p` plays it, its video. The detail view has
//! one; a view comparing two jobs can have two.

use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use i2v_store::JobId;
use i2v_video::Frame as VideoFrame;

use crate::preview::{Playback, Still, strip};
use crate::text::sanitize;
use crate::ui::kit::component::View;
use crate::ui::kit::draw::{frame_block, inner};
use crate::ui::model::keys::Action;
use crate::ui::model::media::video_of;

/// Rows the section never goes below (a strip needs a few rows to be a picture at all).
const MIN_ROWS: u16 = 6;

#[derive(Default)]
pub(crate) struct Frames {
    /// The stills made from the strip they show, kept so each is encoded once per size.
    stills: Option<(Arc<[VideoFrame; 3]>, Vec<Still>)>,
}

impl Frames {
    /// The rows the section takes at the top of `area`: none without pictures or a video.
    pub fn height(&self, view: &View, id: &JobId, area: Rect) -> u16 {
        // A film plays where a shot never downloaded is too (its videos fetched for it).
        if !view.media.on()
            || (video_of(view.book, id).is_none() && view.media.playing(id).is_none())
        {
            return 0;
        }
        // Two fifths of the view, leaving the text at least eight rows.
        let rows = (area.height * 2 / 5)
            .min(20)
            .min(area.height.saturating_sub(8));
        if rows < MIN_ROWS { 0 } else { rows }
    }

    /// Draws `id`'s frames in `area` of a view that shows `jobs` (`id` among them).
    pub fn draw(&mut self, view: &View, id: &JobId, jobs: &[JobId], frame: &mut Frame, area: Rect) {
        let theme = view.theme;
        let key = |action| view.keys.short_label(action).unwrap_or_default();
        let playing = view.media.playing(id);
        let now = playing.map(|p| p.player.now());
        // Esc stops what the view plays; what a view beneath plays (a grid's cells) goes on.
        let stops = match view.media.plays_only(jobs) {
            true => format!("{} or {} stops", key(Action::Play), key(Action::Back)),
            false => format!("{} stops", key(Action::Play)),
        };
        let title = match &now {
            Some(Playback::Playing(shown)) => format!(
                " {} {}frame {}/{} · {stops} ",
                view.media.playing_label(),
                view.media
                    .film_shot(id, shown.at)
                    .map(|shot| format!("shot {}/{} · ", shot.place, shot.of))
                    .unwrap_or_default(),
                shown.index + 1,
                shown.count,
            ),
            Some(_) => format!(" {} ", view.media.playing_label()),
            None => format!(" ⏸ Frames · {} plays ", key(Action::Play)),
        };
        crate::ui::kit::draw::clear(frame, area, theme);
        frame.render_widget(frame_block(theme, Line::from(title), false), area);
        let inside = inner(area);
        let line = |text: String, style| Paragraph::new(Line::styled(text, style));
        if let (Some(playing), Some(now)) = (playing, now) {
            // The player makes its next frame to fit what this frame has room for, or what the
            // link has room for.
            playing
                .player
                .resize(view.media.player_cells(inside.as_size()));
            let say =
                |frame: &mut Frame, text, style| frame.render_widget(line(text, style), inside);
            crate::ui::kit::draw::playback(frame, inside, now, theme, say);
            return;
        }
        match view.media.strip(id) {
            None => frame.render_widget(
                line("making the frame strip…".into(), theme.muted()),
                inside,
            ),
            Some(Err(err)) => {
                frame.render_widget(line(format!("✗ {}", sanitize(err)), theme.error()), inside)
            }
            Some(Ok(made)) => {
                let fresh = self
                    .stills
                    .as_ref()
                    .is_some_and(|(from, _)| Arc::ptr_eq(from, made));
                if !fresh {
                    let stills = made
                        .iter()
                        .map(|f| Still::new(Arc::new(f.image.clone())))
                        .collect();
                    self.stills = Some((made.clone(), stills));
                }
                let captions: Vec<String> = made
                    .iter()
                    .map(|f| format!("{} · frame {}", f.position, f.index + 1))
                    .collect();
                if let Some((_, stills)) = self.stills.as_mut() {
                    strip(
                        stills,
                        &captions,
                        &view.media.graphics,
                        theme.muted(),
                        inside,
                        frame.buffer_mut(),
                    );
                }
            }
        }
    }
}
