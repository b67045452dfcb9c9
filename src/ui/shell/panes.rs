//! The panes of the main screen together: which pane a [`Focus`] means. A new pane: its own
//! file in `panes/`, a field in [`Panes`], a `Focus` (if it takes the keyboard) and a line in
//! `get`/`get_mut`.

use crate::ui::kit::component::{Command, Component};
use crate::ui::model::focus::Focus;
use crate::ui::panes::{history, image, optimizer, prompt, queue};

pub(crate) struct Panes {
    pub prompt: prompt::PromptPane,
    pub image: image::ImagePane,
    pub optimizer: optimizer::OptimizerPane,
    pub queue: queue::QueuePane,
    pub history: history::HistoryPane,
}

impl Panes {
    pub fn get(&self, focus: Focus) -> &dyn Component {
        match focus {
            Focus::Editor => &self.prompt,
            Focus::Image => &self.image,
            Focus::Optimizer => &self.optimizer,
            Focus::Queue => &self.queue,
            Focus::History => &self.history,
        }
    }

    pub fn get_mut(&mut self, focus: Focus) -> &mut dyn Component {
        match focus {
            Focus::Editor => &mut self.prompt,
            Focus::Image => &mut self.image,
            Focus::Optimizer => &mut self.optimizer,
            Focus::Queue => &mut self.queue,
            Focus::History => &mut self.history,
        }
    }
}

/// Every pane's command list as it is when the pane has the keyboard, for checking a key map
/// against what each pane takes (the history's filter line is a mode of its own, with fixed
/// keys).
pub(crate) fn command_lists() -> Vec<(Focus, Vec<Command>)> {
    let panes = Panes {
        prompt: prompt::PromptPane::new(""),
        image: image::ImagePane::new(""),
        optimizer: optimizer::OptimizerPane::new(true),
        queue: queue::QueuePane::default(),
        history: history::HistoryPane::default(),
    };
    Focus::ORDER
        .iter()
        .map(|&focus| (focus, panes.get(focus).commands()))
        .collect()
}
