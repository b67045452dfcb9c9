//! Money: what jobs cost, as people read it.

/// `$1.32`; amounts under a cent keep their digits (`$0.005`) so a cheap price is not shown
/// as free.
pub fn usd(amount: f64) -> String {
    if amount != 0.0 && amount.abs() < 0.01 {
        format!("${amount:.3}")
    } else {
        format!("${amount:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_and_cents() {
        assert_eq!(usd(0.33), "$0.33");
        assert_eq!(usd(4.0 * 0.33), "$1.32");
        assert_eq!(usd(0.0), "$0.00");
        assert_eq!(usd(0.005), "$0.005");
        assert_eq!(usd(16.5), "$16.50");
    }
}
