//! Which pane has the keyboard, and the order Tab visits them in.

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
