//! What was spent, as the history's title shows it.

/// What was spent, as the history's title shows it: completed jobs created since the
/// workbench started, and since local midnight.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct SpendShown {
    pub session: f64,
    pub today: f64,
}
