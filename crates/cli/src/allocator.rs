//! The allocator's policy for large buffers, set once at startup.
//!
//! glibc's malloc raises its mmap threshold each time a mapped block is freed (up to 32 MiB), so
//! after the prover frees its first mid-sized buffers (a batch's trace columns, an FFT's
//! scratch), later ones of that size come from the heap, where freed memory stays resident and
//! fragments. A fixed threshold keeps every block above 128 KiB mapped, and returned to the
//! system when freed. Measured on the bench workloads: 73 to 80 bytes of peak memory per trace
//! cell instead of 79 to 96, for 5 to 8 % more proving time (`benches/RESULTS.md`, "Peak
//! memory and the allocator"). An operator's own `GLIBC_TUNABLES` setting of
//! `glibc.malloc.mmap_threshold` is left alone.

/// Fixes glibc's mmap threshold at 128 KiB (no-op elsewhere, or when `GLIBC_TUNABLES` sets it).
pub fn fix_mmap_threshold() {
    let tuned = std::env::var("GLIBC_TUNABLES").is_ok_and(|t| t.contains("mmap_threshold"));
    if !tuned {
        set_threshold(128 * 1024);
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn set_threshold(bytes: i32) {
    /// glibc's `M_MMAP_THRESHOLD` parameter of `mallopt`.
    const M_MMAP_THRESHOLD: i32 = -3;
    unsafe extern "C" {
        fn mallopt(param: i32, value: i32) -> i32;
    }
    // SAFETY: `mallopt` only sets a parameter of glibc's allocator; it is called before any
    // thread starts, and a refused value leaves the default policy in place.
    unsafe {
        mallopt(M_MMAP_THRESHOLD, bytes);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn set_threshold(_bytes: i32) {}
