//! Sizes in bytes as people read them.

use std::fmt;

/// `512 B`, `1.5 KB`, `20.0 MB`.
pub fn human_size(bytes: u64) -> String {
    struct Size(u64);
    impl fmt::Display for Size {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let b = self.0 as f64;
            if self.0 < 1024 {
                write!(f, "{} B", self.0)
            } else if b < 1024.0 * 1024.0 {
                write!(f, "{:.1} KB", b / 1024.0)
            } else {
                write!(f, "{:.1} MB", b / (1024.0 * 1024.0))
            }
        }
    }
    Size(bytes).to_string()
}
