//! One upload per image per batch: the jobs of a prompt matrix or of `--repeat` all send the
//! same first frame, and uploading it fifty times would cost fifty times the time and
//! bandwidth. The first job of the batch uploads; the others wait for its URL and use it. If
//! that upload fails, the next job tries its own.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};

use i2v_store::BatchId;
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

/// The URL fal storage gave an image, once one job of the batch uploaded it.
pub(super) type Slot = OwnedMutexGuard<Option<String>>;

/// A batch and a hash of the image's type and bytes.
type Key = (BatchId, u64);

#[derive(Default)]
pub(super) struct SharedUploads {
    slots: Mutex<HashMap<Key, Arc<AsyncMutex<Option<String>>>>>,
}

impl SharedUploads {
    /// Waits until no other job of `batch` is uploading these bytes; the slot holds the URL
    /// if one already did. Whoever holds the slot and uploads puts the URL in it.
    pub async fn slot(&self, batch: &BatchId, content_type: &str, bytes: &[u8]) -> Slot {
        let mut hasher = DefaultHasher::new();
        content_type.hash(&mut hasher);
        bytes.hash(&mut hasher);
        let key = (batch.clone(), hasher.finish());
        let cell = {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            slots.entry(key).or_default().clone()
        };
        cell.lock_owned().await
    }
}
