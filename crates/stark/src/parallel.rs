//! The one place that knows whether rayon is on: helpers that run in parallel with the
//! `parallel` feature and sequentially without it.

#[cfg(feature = "parallel")]
use rayon::prelude::*;

/// Number of worker threads the helpers use.
pub fn num_threads() -> usize {
    #[cfg(feature = "parallel")]
    {
        rayon::current_num_threads()
    }
    #[cfg(not(feature = "parallel"))]
    {
        1
    }
}

/// Calls `f(chunk_index, chunk)` for consecutive chunks of `chunk_size` items.
pub fn for_each_chunk_mut<T, F>(items: &mut [T], chunk_size: usize, f: F)
where
    T: Send,
    F: Fn(usize, &mut [T]) + Sync + Send,
{
    let chunk_size = chunk_size.max(1);
    #[cfg(feature = "parallel")]
    items.par_chunks_mut(chunk_size).enumerate().for_each(|(i, c)| f(i, c));
    #[cfg(not(feature = "parallel"))]
    items.chunks_mut(chunk_size).enumerate().for_each(|(i, c)| f(i, c));
}

/// Calls `f(index, item)` for every item.
pub fn for_each_mut<T, F>(items: &mut [T], f: F)
where
    T: Send,
    F: Fn(usize, &mut T) + Sync + Send,
{
    #[cfg(feature = "parallel")]
    items.par_iter_mut().enumerate().for_each(|(i, x)| f(i, x));
    #[cfg(not(feature = "parallel"))]
    items.iter_mut().enumerate().for_each(|(i, x)| f(i, x));
}

/// `(0..count).map(f).collect()`, in parallel when enabled.
pub fn map_range<R, F>(count: usize, f: F) -> Vec<R>
where
    R: Send,
    F: Fn(usize) -> R + Sync + Send,
{
    #[cfg(feature = "parallel")]
    {
        (0..count).into_par_iter().map(f).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        (0..count).map(f).collect()
    }
}

/// `items.into_iter().map(f).collect()`, in parallel when enabled (order kept).
pub fn map_vec<T, R, F>(items: Vec<T>, f: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync + Send,
{
    #[cfg(feature = "parallel")]
    {
        items.into_par_iter().map(f).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        items.into_iter().map(f).collect()
    }
}

/// Runs both closures, in parallel when enabled.
pub fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB + Send,
    RA: Send,
    RB: Send,
{
    #[cfg(feature = "parallel")]
    {
        rayon::join(a, b)
    }
    #[cfg(not(feature = "parallel"))]
    {
        (a(), b())
    }
}

/// Chunk size that gives each thread a few chunks of at least `min` items.
pub fn chunk_size(len: usize, min: usize) -> usize {
    (len / (num_threads() * 4)).max(min).max(1)
}

/// Sorts `items` by `key`, stably (equal keys keep their order), in parallel when enabled.
pub fn sort_by_key<T, K, F>(items: &mut [T], key: F)
where
    T: Send,
    K: Ord,
    F: Fn(&T) -> K + Sync,
{
    #[cfg(feature = "parallel")]
    items.par_sort_by_key(key);
    #[cfg(not(feature = "parallel"))]
    items.sort_by_key(key);
}

/// Sorts `items` (their order among equals does not matter), in parallel when enabled.
pub fn sort_unstable<T: Ord + Send>(items: &mut [T]) {
    #[cfg(feature = "parallel")]
    items.par_sort_unstable();
    #[cfg(not(feature = "parallel"))]
    items.sort_unstable();
}
