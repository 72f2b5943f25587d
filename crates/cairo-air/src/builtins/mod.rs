//! Builtin components: each used builtin gets its own table, sized to its own number of
//! instances (a power of two of at least [`MIN_LOG_ROWS`] rows), so a program pays for a
//! builtin in proportion to its use and nothing for a builtin it does not use. cairo-vm runs
//! with the `all_cairo` layout and `disable_trace_padding`; its fixed builtin ratios do not
//! matter here, the tables follow the segments the run used.
//!
//! # How a builtin table is tied to the run
//!
//! * **Addresses.** Row `i` holds instance `i` at `begin + i * cells`: the first row's address
//!   is the segment's public `begin`, each row's address is the previous one's plus `cells`
//!   or the same (padding rows repeat the last instance), and the last row's address is that
//!   of the last instance, `stop - cells`. So every instance of `[begin, stop)` has a row and
//!   nothing else does.
//! * **Memory.** Each row's cells are memory accesses `(a, v)`: the table's running product of
//!   `z - (a + alpha v)` is its claim. The CPU table's extra memory slot holds one dummy
//!   `(0, 0)` access per public cell *and per builtin access*, and its sorted copy holds the
//!   public cells and the builtin accesses in their place; the statement checks
//!   `P_cpu * prod_builtins P_b = z^D / prod_public (z - (a + alpha v))` with `D` the number of
//!   dummies, which the verifier derives from the public segment bounds. The CPU's sorted copy
//!   is continuous and single-valued, so a builtin cell has the value the program saw.
//! * **Range checks of limbs** (the `range_check` builtin) are LogUp lookups into the
//!   [`range16`] table of every 16-bit value with multiplicities.

pub mod bitwise;
pub mod ecdsa;
pub mod narrow;
pub mod pedersen;
pub mod poseidon;
pub mod range16;
pub mod range_check;
pub mod segment;
pub mod table;

/// Smallest builtin table: the engine needs a few rows.
pub const MIN_LOG_ROWS: u32 = stark::MIN_LOG_TRACE_LENGTH;

/// log2 of the rows of a table holding `instances` instances (at least one).
pub fn table_log_size(instances: usize) -> u32 {
    instances.max(1).next_power_of_two().trailing_zeros().max(MIN_LOG_ROWS)
}
