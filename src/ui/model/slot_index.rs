//! Which slot holds a job's row, found through the ids the rows already hold. A map from ids
//! to slots would keep a second copy of every id: at 100,000 jobs that is 100,000 more small
//! strings and a table of 32-byte entries, about 8 MB of the workbench's memory, where this
//! table holds 4 bytes a job.

use std::hash::{BuildHasher, RandomState};

use hashbrown::HashTable;
use i2v_store::JobId;

use crate::ui::model::row::{Row, Slot};

#[derive(Clone, Debug, Default)]
pub(crate) struct SlotIndex {
    table: HashTable<Slot>,
    hasher: RandomState,
}

impl SlotIndex {
    /// An index of `rows`, after dropping every row whose job an earlier row already has.
    pub fn of(rows: &mut Vec<Row>) -> SlotIndex {
        let mut index = SlotIndex {
            table: HashTable::with_capacity(rows.len()),
            hasher: RandomState::new(),
        };
        let mut first = Vec::new();
        for slot in 0..rows.len() {
            let unique = index.get(rows, &rows[slot].id).is_none();
            if unique {
                index.insert(rows, slot as Slot);
            } else if first.is_empty() {
                first = vec![true; rows.len()];
            }
            if let Some(flag) = first.get_mut(slot) {
                *flag = unique;
            }
        }
        // A job listed twice: rare, so only then are the rows moved and the index made again.
        if !first.is_empty() {
            let mut keep = first.into_iter();
            rows.retain(|_| keep.next().unwrap_or(true));
            index.rebuild(rows);
        }
        index
    }

    fn hash(&self, id: &JobId) -> u64 {
        self.hasher.hash_one(id)
    }

    pub fn get(&self, rows: &[Row], id: &JobId) -> Option<Slot> {
        self.table
            .find(self.hash(id), |&slot| rows[slot as usize].id == *id)
            .copied()
    }

    /// Adds `slot`, whose row is in `rows` and whose job is not in the index yet.
    pub fn insert(&mut self, rows: &[Row], slot: Slot) {
        let hash = self.hash(&rows[slot as usize].id);
        let hasher = &self.hasher;
        self.table
            .insert_unique(hash, slot, |&s| hasher.hash_one(&rows[s as usize].id));
    }

    /// Every row's slot again, after rows moved (the table keeps its block).
    pub fn rebuild(&mut self, rows: &[Row]) {
        self.table.clear();
        for slot in 0..rows.len() {
            self.insert(rows, slot as Slot);
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.table.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::model::row::Prompts;
    use i2v_store::JobState;

    fn row(id: &JobId, prompt: &str) -> Row {
        let mut record = crate::test_record::record(prompt, JobState::Preparing);
        record.id = id.clone();
        Row::of_record(&record, &mut Prompts::default())
    }

    #[test]
    fn a_job_listed_twice_keeps_its_first_row() {
        let (a, b, c) = (JobId::new(), JobId::new(), JobId::new());
        let mut rows = vec![
            row(&a, "first a"),
            row(&b, "b"),
            row(&a, "second a"),
            row(&c, "c"),
        ];
        let index = SlotIndex::of(&mut rows);
        assert_eq!(rows.len(), 3);
        assert_eq!(index.len(), 3);
        for (id, prompt) in [(&a, "first a"), (&b, "b"), (&c, "c")] {
            let slot = index.get(&rows, id).map(|s| &*rows[s as usize].prompt);
            assert_eq!(slot, Some(prompt));
        }
        assert_eq!(index.get(&rows, &JobId::new()), None);
    }
}
