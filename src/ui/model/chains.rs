//! Which jobs belong to a chain of shots, and where: the history marks them (`⛓2/4`) and the
//! filter's `chain:ID` lists a chain whole. Found in one look at every row (only the rows
//! that continue another are kept), so callers keep it for the book's version.

use std::collections::HashMap;

use i2v_store::JobId;

use crate::ui::model::book::Book;

/// A shot's place: the `shot`-th of a film `of` shots long (the longest run of shots through
/// it: where several takes continue one shot, each has its own length).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Place {
    pub shot: usize,
    pub of: usize,
}

#[derive(Debug, Default)]
pub(crate) struct Chains {
    places: HashMap<JobId, Place>,
    /// Every job of a chain, to the chain's first shot.
    first: HashMap<JobId, JobId>,
}

impl Chains {
    pub fn of(book: &Book) -> Chains {
        // Only shots that continue another, and the shots they continue, are in a chain.
        let mut next: HashMap<&JobId, Vec<&JobId>> = HashMap::new();
        let mut before: HashMap<&JobId, &JobId> = HashMap::new();
        for row in book.rows() {
            if let Some(prev) = &row.continues
                && book.knows(prev)
            {
                next.entry(prev).or_default().push(&row.id);
                before.insert(&row.id, prev);
            }
        }
        let mut chains = Chains::default();
        let firsts = next.keys().filter(|id| !before.contains_key(*id));
        for &first in firsts {
            // Depth first, with each shot's depth; then the longest run below each.
            let mut order = Vec::new();
            let mut stack = vec![(first, 1usize)];
            while let Some((id, depth)) = stack.pop() {
                // A hand-edited history could make a loop; a shot is placed once.
                if chains.first.contains_key(id) {
                    continue;
                }
                chains.first.insert(id.clone(), first.clone());
                order.push((id, depth));
                for &child in next.get(id).map(Vec::as_slice).unwrap_or(&[]) {
                    stack.push((child, depth + 1));
                }
            }
            let mut below: HashMap<&JobId, usize> = HashMap::new();
            for &(id, _) in order.iter().rev() {
                let longest = next
                    .get(id)
                    .map(|children| {
                        children
                            .iter()
                            .map(|c| below.get(c).map_or(1, |b| b + 1))
                            .max()
                            .unwrap_or(0)
                    })
                    .unwrap_or(0);
                below.insert(id, longest);
            }
            for (id, depth) in order {
                let of = depth + below.get(id).copied().unwrap_or(0);
                chains.places.insert(id.clone(), Place { shot: depth, of });
            }
        }
        chains
    }

    /// Where `id` is in its chain; `None` for a job in no chain.
    pub fn place(&self, id: &JobId) -> Option<Place> {
        self.places.get(id).copied()
    }

    /// The first shot of the chain `id` is in.
    pub fn first_of(&self, id: &JobId) -> Option<&JobId> {
        self.first.get(id)
    }
}

/// The chain of shots that ends at `id`, first shot first: the shots it continues, as far
/// as the book knows them, then `id`.
pub(crate) fn chain_to(book: &Book, id: &JobId) -> Vec<JobId> {
    let mut chain = vec![id.clone()];
    while let Some(before) = chain
        .last()
        .and_then(|last| book.row(last)?.continues.clone())
        .filter(|before| book.knows(before))
    {
        // A hand-edited history could go round: a shot is in a film once.
        if chain.contains(&before) {
            break;
        }
        chain.push(before);
    }
    chain.reverse();
    chain
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_record::record;
    use i2v_store::JobState;

    fn shot(continues: Option<&JobId>) -> i2v_store::JobRecord {
        let mut r = record("a shot", JobState::Completed);
        r.continues = continues.cloned();
        r
    }

    #[test]
    fn shots_are_placed_along_the_longest_run_through_them() {
        // a → b1 → c, and a second take a → b2; x stands alone.
        let a = shot(None);
        let b1 = shot(Some(&a.id));
        let b2 = shot(Some(&a.id));
        let c = shot(Some(&b1.id));
        let x = shot(None);
        let mut book = Book::default();
        for r in [&a, &b1, &b2, &c, &x] {
            book.update(r.clone());
        }
        let chains = Chains::of(&book);
        let place = |r: &i2v_store::JobRecord| chains.place(&r.id).map(|p| (p.shot, p.of));
        assert_eq!(place(&a), Some((1, 3)));
        assert_eq!(place(&b1), Some((2, 3)));
        assert_eq!(place(&c), Some((3, 3)));
        assert_eq!(place(&b2), Some((2, 2)));
        assert_eq!(place(&x), None);
        assert_eq!(chains.first_of(&c.id), Some(&a.id));
        assert_eq!(chains.first_of(&b2.id), Some(&a.id));
        assert_eq!(chains.first_of(&x.id), None);
        assert_eq!(
            chain_to(&book, &c.id),
            [a.id.clone(), b1.id.clone(), c.id.clone()]
        );
        assert_eq!(chain_to(&book, &b2.id), [a.id.clone(), b2.id.clone()]);
        assert_eq!(chain_to(&book, &x.id), std::slice::from_ref(&x.id));
    }
}
