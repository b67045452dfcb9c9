//! The panes of the main screen. Each is a [`Component`]; this module only says which pane
//! a [`Focus`] means and in what order Tab visits them. A new pane: its own file here, a
//! field in [`Panes`], a `Focus` (if it takes the keyboard) and a line in `get`/`get_mut`.

pub(crate) mod history;
pub(crate) mod image;
pub(crate) mod job;
pub(crate) mod list;
pub(crate) mod logs;
pub(crate) mod optimizer;
pub(crate) mod prompt;
pub(crate) mod queue;
pub(crate) mod soft_wrap;
pub(crate) mod text_field;

use super::component::{Command, Component};

/// Which pane has the keyboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Editor,
    Image,
    Optimizer,
    Queue,
    History,
}

impl Focus {
    /// Tab's order.
    pub(crate) const ORDER: [Focus; 5] = [
        Focus::Editor,
        Focus::Image,
        Focus::Optimizer,
        Focus::Queue,
        Focus::History,
    ];

    pub(crate) fn step(self, forward: bool) -> Focus {
        let i = Self::ORDER.iter().position(|&f| f == self).unwrap_or(0);
        let n = Self::ORDER.len();
        Self::ORDER[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }

    /// What the pane is called in help and warnings.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Focus::Editor => "the prompt",
            Focus::Image => "the image field",
            Focus::Optimizer => "the optimizer toggle",
            Focus::Queue => "the queue",
            Focus::History => "the history",
        }
    }
}

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
        optimizer: optimizer::OptimizerPane { on: true },
        queue: queue::QueuePane::default(),
        history: history::HistoryPane::default(),
    };
    Focus::ORDER
        .iter()
        .map(|&focus| (focus, panes.get(focus).commands()))
        .collect()
}
