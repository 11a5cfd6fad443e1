//! The program's one way of running work in parallel: a fixed number of workers over a list
//! of items, in the items' order.

/// Maps `f` over `items` on `threads` workers (all cores when None), keeping the order.
///
/// Each worker of a rayon pool runs one long loop that takes the next item when it has
/// finished the last. Typst parallelises inside a compilation with rayon, and from a pool
/// thread that inner work goes to the same pool: a worker waiting on it helps the other
/// worker's document instead of sitting idle, and never starts a new document half-way (a
/// `par_iter` over the items would, and memory would grow with the half-done documents).
/// Exactly `threads` threads run, so nothing is oversubscribed. Workers get a large stack:
/// Typst lays out deep trees recursively.
pub fn map<T: Sync, R: Send>(
    items: &[T],
    threads: Option<usize>,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let n = threads
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
        .clamp(1, items.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    let work = || {
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(k) else { break };
            let r = f(item);
            results.lock().unwrap_or_else(|e| e.into_inner())[k] = Some(r);
        }
    };
    match rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .stack_size(64 << 20)
        .thread_name(|i| format!("okno-worker-{i}"))
        .build()
    {
        Ok(pool) => {
            pool.broadcast(|_| work());
        }
        // No threads to be had: the work is still done, on this thread.
        Err(_) => work(),
    }
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.expect("every item was processed"))
        .collect()
}
