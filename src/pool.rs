//! The program's one way of running work in parallel: a fixed number of workers over a list
//! of items, in the items' order (`map`), or over items as they are made, each result taken
//! as it is done (`stream`).

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

/// What `stream`'s feeder hands on: items for the workers, and results of its own.
pub struct Feed<T, R> {
    work: std::sync::mpsc::SyncSender<T>,
    done: std::sync::mpsc::Sender<R>,
}

impl<T, R> Feed<T, R> {
    /// Queues an item for the workers, waiting while the queue is full; false once no worker
    /// is left to take it.
    pub fn work(&self, item: T) -> bool {
        self.work.send(item).is_ok()
    }

    /// Hands a result straight to the taker, past the workers.
    pub fn done(&self, result: R) -> bool {
        self.done.send(result).is_ok()
    }
}

/// Runs `work` on `threads` workers over the items `feed` makes, as it makes them, and hands
/// every result to `take` on this thread as soon as it is done (in the order done).
///
/// For work that must not be held whole: `feed` runs on a thread of its own and waits while
/// twice `threads` items are queued, so memory holds a few items in flight, not the list.
/// Each worker takes the next item when it has finished the last, on a large stack (Typst
/// lays out deep trees recursively). A panic in `work` is the caller's to catch: a dead
/// worker would leave `feed` waiting. Fails, before `feed` is called, only when not one worker
/// thread can be started; fewer than `threads` do the work as well.
pub fn stream<T: Send, R: Send>(
    threads: usize,
    feed: impl FnOnce(&Feed<T, R>) + Send,
    work: impl Fn(T) -> R + Sync,
    mut take: impl FnMut(R),
) -> std::io::Result<()> {
    use std::sync::Mutex;
    use std::sync::mpsc::{channel, sync_channel};
    let threads = threads.max(1);
    let (items, queue) = sync_channel::<T>(2 * threads);
    let queue = Mutex::new(queue);
    let (done, results) = channel::<R>();
    std::thread::scope(|scope| {
        let mut workers = 0;
        for i in 0..threads {
            let (queue, done, work) = (&queue, done.clone(), &work);
            let worker = move || {
                loop {
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok(item) = next else { break };
                    if done.send(work(item)).is_err() {
                        break;
                    }
                }
            };
            let started = std::thread::Builder::new()
                .name(format!("okno-worker-{i}"))
                .stack_size(64 << 20)
                .spawn_scoped(scope, worker);
            match started {
                Ok(_) => workers += 1,
                Err(e) if workers == 0 => return Err(e),
                // The ones started do the work.
                Err(_) => break,
            }
        }
        let feeder = Feed { work: items, done };
        // The last item is queued when `feed` returns: the workers end once the queue is
        // empty, and `take` once every worker and the feeder are gone.
        scope.spawn(move || feed(&feeder));
        for r in results {
            take(r);
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn map_keeps_the_items_order() {
        let items: Vec<u32> = (0..500).collect();
        assert_eq!(
            map(&items, Some(4), |i| i * 2),
            (0..500).map(|i| i * 2).collect::<Vec<_>>()
        );
    }

    #[test]
    fn stream_takes_every_result_and_the_feeder_never_runs_far_ahead() {
        let threads = 3;
        let started = AtomicUsize::new(0);
        let mut taken = Vec::new();
        let mut most_ahead = 0;
        stream(
            threads,
            |feed: &Feed<u32, Result<u32, &str>>| {
                for i in 0..2000 {
                    // Queued and not yet taken by a worker: at most the queue, and one item
                    // per worker between taking it and counting it.
                    let ahead = i as usize - started.load(Ordering::SeqCst).min(i as usize);
                    most_ahead = most_ahead.max(ahead);
                    assert!(feed.work(i));
                }
                assert!(feed.done(Err("read to its end")));
            },
            |i| {
                started.fetch_add(1, Ordering::SeqCst);
                Ok(i * 3)
            },
            |r| taken.push(r),
        )
        .unwrap();
        assert!(most_ahead <= 3 * threads, "{most_ahead} items ahead");
        assert_eq!(taken.len(), 2001);
        assert!(taken.contains(&Err("read to its end")));
        let mut values: Vec<u32> = taken.into_iter().filter_map(Result::ok).collect();
        values.sort_unstable();
        assert_eq!(values, (0..2000).map(|i| i * 3).collect::<Vec<_>>());
    }
}
