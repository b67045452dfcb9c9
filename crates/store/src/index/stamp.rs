//! A record file's identity as the directory sees it, cheap to read without opening the file.
//! Equal stamps mean "the same bytes as when it was indexed", with one exception handled by
//! [`Stamp::settled_before`]: a change made within the file system's timestamp granularity of
//! the indexing can leave every field equal.

use std::fs::Metadata;
use std::time::Duration;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub(crate) struct Stamp {
    pub len: u64,
    /// Nanoseconds since the epoch.
    pub modified_ns: i64,
    /// Status change time (unix): moves on every write, rename and chmod, and unlike the
    /// modification time it cannot be set back by `touch` or a sync tool.
    pub changed_ns: i64,
    /// A save replaces the file by a rename, so a new version is a new inode.
    pub inode: u64,
}

impl Stamp {
    #[cfg(unix)]
    pub fn of(meta: &Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        let ns = |secs: i64, nanos: i64| secs.saturating_mul(1_000_000_000).saturating_add(nanos);
        Stamp {
            len: meta.len(),
            modified_ns: ns(meta.mtime(), meta.mtime_nsec()),
            changed_ns: ns(meta.ctime(), meta.ctime_nsec()),
            inode: meta.ino(),
        }
    }

    #[cfg(not(unix))]
    pub fn of(meta: &Metadata) -> Stamp {
        let modified_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
        Stamp {
            len: meta.len(),
            modified_ns,
            changed_ns: modified_ns,
            inode: 0,
        }
    }

    /// Whether the file's last change came at least `margin` before `moment` (ns since the
    /// epoch). A file changed just before (or after: clocks differ between machines) its
    /// stamp was taken could change again within the same timestamp tick and keep its stamp,
    /// so its entry is not trusted and the file is read again (git's "racily clean" entries).
    pub fn settled_before(&self, moment: i64, margin: Duration) -> bool {
        let margin = i64::try_from(margin.as_nanos()).unwrap_or(i64::MAX);
        self.modified_ns.max(self.changed_ns) < moment.saturating_sub(margin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_within_the_margin_is_not_settled() {
        let second = 1_000_000_000;
        let stamp = Stamp {
            modified_ns: 10 * second,
            changed_ns: 20 * second,
            ..Stamp::default()
        };
        let margin = Duration::from_secs(2);
        assert!(stamp.settled_before(23 * second, margin));
        assert!(
            !stamp.settled_before(22 * second, margin),
            "changed 2 s before"
        );
        assert!(!stamp.settled_before(15 * second, margin), "changed after");
    }
}
