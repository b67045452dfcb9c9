//! Films in the workbench: `P` in a chained shot's details plays the film that ends at it,
//! shot after shot. The runtime joins the shots (no re-encoding, well under a second) and
//! plays the one file, so nothing waits at the joins; the title names the shot from where
//! the film is.

use i2v_store::JobId;

use crate::preview::Player;
use crate::ui::model::effect::Effect;
use crate::ui::model::media::{FilmPlaying, Playing};
use crate::ui::shell::app::App;

impl App {
    /// `P` on `id`: stops what plays, else asks for the film that ends at `id`.
    pub(crate) fn play_film(&mut self, id: JobId) -> Vec<Effect> {
        let shots = crate::ui::model::chains::chain_to(&self.book, &id);
        self.play_shots(id, shots, 0)
    }

    /// Plays `shots` from the `from`-th on as one film, drawn where `id` plays (its detail
    /// view, the storyboard); stops what plays instead if something does.
    pub(crate) fn play_shots(&mut self, id: JobId, shots: Vec<JobId>, from: usize) -> Vec<Effect> {
        if self.media.stop() {
            return Vec::new();
        }
        if !self.media.on() {
            self.notice("Pictures are off ([ui] preview = \"off\"): nothing is played");
            return Vec::new();
        }
        if shots.len() > 1 {
            self.notice(format!(
                "Joining {} shots…",
                shots.len() - from.min(shots.len())
            ));
        }
        vec![Effect::PlayFilm { id, shots, from }]
    }

    /// The film that ends at `id` is joined and plays (or why not): shown if its view is
    /// still open and nothing else started meanwhile.
    pub(crate) fn film_playing(
        &mut self,
        id: JobId,
        result: Result<(Player, FilmPlaying), String>,
    ) -> Vec<Effect> {
        let wanted = self.overlay.is_some() && self.media.playing.is_empty();
        match result {
            Ok((player, film)) if wanted => {
                self.media.playing = vec![Playing { id, player }];
                self.media.film = Some(film);
            }
            Ok(_) => {}
            Err(why) => self.error(why),
        }
        Vec::new()
    }
}
