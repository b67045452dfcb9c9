//! Spreading per-file work (stat, read, parse) over a few threads when there is a lot of it.

use std::thread;

/// Below this many items, threads cost more than they save.
const PARALLEL_THRESHOLD: usize = 64;
const MAX_THREADS: usize = 8;

/// `f` over every item, results in the items' order.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(MAX_THREADS);
    if items.len() < PARALLEL_THRESHOLD || threads < 2 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<_>>()))
            .collect();
        // Reserved once: collected through `flat_map`, a long list would grow by doubling
        // and leave each outgrown block behind freed.
        let mut all = Vec::with_capacity(items.len());
        for handle in handles {
            all.extend(
                handle
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p)),
            );
        }
        all
    })
}
