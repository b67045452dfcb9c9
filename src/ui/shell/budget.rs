//! The budget in the workbench: a submit that would pass a cap is asked about first, and
//! from 80 % of one each submit says where things stand.

use crate::budget::{Committed, Standing};
use crate::ui::model::effect::Effect;
use crate::ui::model::submits::Sending;
use crate::ui::overlays::confirm::Confirm;
use crate::ui::shell::app::App;

impl App {
    /// Sends `sending` when it stays within the budget; past a cap, asks first (naming the
    /// cap, what counts against it and what this would cost).
    pub(crate) fn within_budget(&mut self, sending: Sending) -> Vec<Effect> {
        let pricing = self.settings.pricing;
        let cost = sending.jobs() as f64 * pricing.price_per_video;
        match pricing.budget.check(&self.standing(), cost) {
            None => self.send(sending),
            Some(over) => {
                let why = capitalised(&over.describe());
                self.show(Box::new(Confirm::OverBudget { sending, why }));
                Vec::new()
            }
        }
    }

    /// Says where things stand once past [`crate::budget::WARN_FROM`] of a cap (the jobs just
    /// sent counted), as a warning that stays until a key.
    pub(crate) fn warn_near_budget(&mut self) {
        let budget = self.settings.pricing.budget;
        if let Some(near) = budget.near(&self.standing()) {
            self.warning(format!("Submitting… · {near}"));
        }
    }

    /// What counts against the caps now: the history's jobs, and submits on their way that
    /// no job shows yet.
    fn standing(&mut self) -> Standing {
        self.recount_spend();
        let unanswered = self.submits.unanswered() as f64 * self.settings.pricing.price_per_video;
        let shown = self.spend.shown.standing();
        let more = |c: Committed| c.plus(unanswered);
        Standing {
            today: more(shown.today),
            session: more(shown.session),
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
