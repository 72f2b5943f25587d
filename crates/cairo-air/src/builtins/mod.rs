//! The builtins: one module each, listed once in the registry below. Each used builtin gets
//! its own table, sized to its own number of instances (a power of two of at least
//! [`MIN_LOG_ROWS`] rows), so a program pays for a builtin in proportion to its use and nothing
//! for a builtin it does not use. cairo-vm runs with the `all_cairo` layout and
//! `disable_trace_padding`; its fixed builtin ratios do not matter here, the tables follow the
//! segments the run used. (`add_mod` and `mul_mod` are in that layout only with cairo-vm's
//! `mod_builtin` feature, which this crate turns on; with it every proof-mode run also gets the
//! runner's small zero segment.)
//!
//! # Adding a builtin
//!
//! One file and one line: a module here that implements [`BuiltinTable`] (its name and
//! instance shape, its table's component with the constraints written against
//! [`stark::ConstraintBuilder`], and its trace builder), and its line in `registry!` below,
//! which gives it its [`Builtin`] variant and its id in the public-input encoding. Everything
//! else walks the registry: the program hash and `%builtins` names ([`crate::CairoProgram`]),
//! the public input's segment checks, the statement's components and claims
//! ([`crate::CairoAir`]), the trace builder ([`crate::build_traces`]), the memory argument's
//! count of builtin accesses, the footprint model and the builtins cairo-vm runs are accepted
//! for. (A builtin whose trace needs more of the run than its memory cells, as `ecdsa` needs
//! the signatures, also adds that to [`crate::CairoExecution`] and `relocation.rs`.)
//!
//! # How a builtin table is tied to the run
//!
//! * **Addresses.** Instance `i` lies at `begin + i * cells`: the first instance's address
//!   is the segment's public `begin`, each next instance's address is the previous one's plus
//!   `cells` or the same (padding repeats the last instance), and the last instance's address
//!   is `stop - cells`. So every instance of `[begin, stop)` has its rows and nothing else
//!   does.
//! * **Memory.** Each instance's cells are memory accesses `(a, v)`: the table's running
//!   product of `z - (a + alpha v)` is its first claim. The CPU table's extra memory slot holds
//!   one dummy `(0, 0)` access per public cell *and per builtin access*, and its sorted copy
//!   holds the public cells and the builtin accesses in their place; the statement checks
//!   `P_cpu * prod_builtins P_b = z^D / prod_public (z - (a + alpha v))` with `D` the number of
//!   dummies, which the verifier derives from the public segment bounds. The CPU's sorted copy
//!   is continuous and single-valued, so a builtin cell has the value the program saw.
//! * **Lookups** (LogUp) into fixed tables ([`lookup`]): 16-bit limbs of range checks into
//!   [`range16`], Pedersen window points into [`pedersen::points_table`], bitwise byte triples
//!   into the byte-pair table ([`bitwise::byte_pair_columns`]), the window points of `G` of an
//!   `ecdsa` message into [`ecdsa::generator_table`]. (An `ecdsa` instance also looks up
//!   entries of a table it builds on its own rows; those terms cancel within its sum.) A table that makes
//!   lookups names the tables ([`BuiltinTable::lookups`]); its next claims are its lookup
//!   sums, in that order.

pub mod bitwise;
pub mod ec_op;
pub mod ecdsa;
pub mod keccak;
pub mod lookup;
pub mod modulo;
pub mod narrow;
pub mod output;
pub mod pedersen;
pub mod poseidon;
pub mod range16;
pub mod range_check;
pub mod range_check96;
pub mod segment;
pub mod stark_curve;
pub mod table;

use stark::{Component, Felt, TraceTable};

use crate::error::CairoError;
use crate::execution::CairoExecution;
use lookup::LookupTable;

/// Smallest builtin table: the engine needs a few rows.
pub const MIN_LOG_ROWS: u32 = stark::MIN_LOG_TRACE_LENGTH;

/// log2 of the rows of a one-row-per-instance table holding `instances` instances (at least
/// one).
pub fn table_log_size(instances: usize) -> u32 {
    instances.max(1).next_power_of_two().trailing_zeros().max(MIN_LOG_ROWS)
}

/// The registry: one line per builtin, `Variant = id => module::Table,`. The line's position
/// is the position of the builtin's table among the proof's components (after the CPU, before
/// [`range16`]), and `id` is the builtin's byte in the public-input encoding: both are part of
/// the proof format, so a new builtin goes at the end with a new id.
macro_rules! registry {
    ($($(#[$doc:meta])* $variant:ident = $id:literal => $table:path,)+) => {
        /// Builtins the prover supports, with a segment in the public input (one per line of
        /// the registry in [`crate::builtins`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Builtin {
            $($(#[$doc])* $variant,)+
        }

        impl Builtin {
            /// Every supported builtin, in registry order (the order of their tables in a
            /// proof).
            pub const ALL: [Builtin; [$(stringify!($variant)),+].len()] =
                [$(Builtin::$variant,)+];

            /// The builtin's byte in the public-input encoding.
            pub(crate) fn id(self) -> u8 {
                match self {
                    $(Builtin::$variant => $id,)+
                }
            }

            /// The builtin's module, as the registry lists it.
            pub fn table(self) -> &'static dyn BuiltinTable {
                match self {
                    $(Builtin::$variant => &$table,)+
                }
            }
        }
    };
}

registry! {
    /// Its cells are the public input's `output`; no table.
    Output = 0 => output::OutputTable,
    RangeCheck = 1 => range_check::RangeCheckTable,
    Bitwise = 3 => bitwise::BitwiseTable,
    Poseidon = 2 => poseidon::PoseidonTable,
    Pedersen = 4 => pedersen::PedersenTable,
    Ecdsa = 5 => ecdsa::EcdsaTable,
    RangeCheck96 = 6 => range_check96::RangeCheck96Table,
    EcOp = 7 => ec_op::EcOpTable,
    AddMod = 8 => modulo::AddModTable,
    MulMod = 9 => modulo::MulModTable,
    Keccak = 10 => keccak::KeccakTable,
}

impl Builtin {
    pub(crate) fn from_id(id: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.id() == id)
    }

    /// Cairo's name of the builtin, as `%builtins` spells it.
    pub fn name(self) -> &'static str {
        self.table().name()
    }

    /// The builtin Cairo calls `name`, if the prover supports it.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.name() == name)
    }

    /// Memory cells of one instance (the output builtin has no instances: 1).
    pub fn cells_per_instance(self) -> u64 {
        self.table().cells_per_instance() as u64
    }

    /// The largest segment the prover's tables hold: as many instances as the largest table
    /// has room for (the output has no table: the largest trace bounds it).
    pub(crate) fn max_segment_size(self) -> u64 {
        let max_rows = 1u64 << stark::MAX_LOG_TRACE_LENGTH;
        let table = self.table();
        table.cells_per_instance() as u64 * (max_rows / table.tallest_rows_per_instance() as u64)
    }
}

/// A builtin as the registry knows it: what Cairo calls it, the shape of an instance, the
/// component that proves a segment of it and the trace builder that lays one out.
pub trait BuiltinTable: Sync {
    /// Cairo's name, as `%builtins` spells it (bound into the program hash).
    fn name(&self) -> &'static str;

    /// Memory cells of one instance.
    fn cells_per_instance(&self) -> usize;

    /// Memory accesses the table makes per instance: its cells, and for a builtin that reads
    /// memory elsewhere too (the mod builtins read offsets and values through pointers in
    /// their cells), those reads. The statement counts them from the public segment bounds.
    fn accesses_per_instance(&self) -> usize {
        self.cells_per_instance()
    }

    /// Rows of the table per instance (a power of two); 1 for a builtin without a table.
    fn rows_per_instance(&self) -> usize {
        1
    }

    /// Rows per instance of the tallest of the builtin's tables (its own or a linked one):
    /// what bounds its segment.
    fn tallest_rows_per_instance(&self) -> usize {
        self.rows_per_instance()
    }

    /// The lookup tables the table looks values up in, in the order of its claims after the
    /// memory product: one lookup sum each, which the statement adds to the other users'
    /// and equates with the lookup table's.
    fn lookups(&self) -> &'static [LookupTable] {
        &[]
    }

    /// The component of a segment `[begin, stop)` with at least one instance (`stop - begin`
    /// a positive multiple of the cells); `None` for a builtin without a table. Its first
    /// claim is its memory product.
    fn component(&self, begin: u64, stop: u64) -> Option<Box<dyn Component>>;

    /// Components that prove part of each instance in tables of another height (`poseidon`'s
    /// partial rounds), after the table's own in the proof. Its claims are its parts of a
    /// LogUp sum over tuples it exchanges with the table; the table's last claim is the
    /// table's side, and the statement checks that these sums add up to 0. They make no
    /// memory accesses.
    fn linked_components(&self, begin: u64, stop: u64) -> Vec<Box<dyn Component>> {
        let _ = (begin, stop);
        Vec::new()
    }

    /// The main traces of [`Self::linked_components`], in their order.
    fn build_linked_traces(
        &self,
        begin: u64,
        stop: u64,
        run: &TraceInput<'_>,
    ) -> Result<Vec<TraceTable>, CairoError> {
        let _ = (begin, stop, run);
        Ok(Vec::new())
    }

    /// The main trace of the run's segment `[begin, stop)` (at least one instance) and the
    /// memory accesses it makes, in row order, padding included: as many as the component's
    /// rows divided by [`Self::rows_per_instance`], times [`Self::accesses_per_instance`].
    /// Counts each entry it looks up in `run.lookups(table)`. `None` for a builtin without a
    /// table.
    fn build_trace(
        &self,
        begin: u64,
        stop: u64,
        run: &mut TraceInput<'_>,
    ) -> Result<Option<TableTrace>, CairoError>;
}

/// A table's main trace and the memory accesses `(address, value)` it makes, in row order.
pub struct TableTrace {
    pub trace: TraceTable,
    pub accesses: Vec<(u64, Felt)>,
}

/// What a trace builder reads of the run, and the multiplicities of the lookup tables' entries
/// the tables add to.
pub struct TraceInput<'a> {
    pub execution: &'a CairoExecution,
    /// Per lookup table ([`LookupTable::ALL`] order), the multiplicity of every entry (empty
    /// until a table looks one up).
    multiplicities: Vec<Vec<u64>>,
}

impl<'a> TraceInput<'a> {
    pub fn new(execution: &'a CairoExecution) -> Self {
        Self { execution, multiplicities: vec![Vec::new(); LookupTable::ALL.len()] }
    }

    /// The multiplicities of `table`'s entries, for a trace builder to count its lookups in.
    pub fn lookups(&mut self, table: LookupTable) -> &mut [u64] {
        let counts = &mut self.multiplicities[table.index()];
        if counts.is_empty() {
            *counts = vec![0; table.entries()];
        }
        counts
    }

    /// `table`'s main trace from the lookups counted so far.
    pub fn lookup_trace(&mut self, table: LookupTable) -> TraceTable {
        let counts = self.lookups(table).to_vec();
        table.build_trace(&counts)
    }

    /// The run's final value of a cell; `None` if it was never written.
    pub fn cell(&self, address: u64) -> Option<Felt> {
        self.execution.memory.get(address as usize).cloned().flatten()
    }

    /// The first `K` cells of every instance of `[begin, stop)` (instances of `cells` cells):
    /// `(address, cells)` per instance, or an error naming the first instance with one of
    /// them unwritten.
    pub fn instances<const K: usize>(
        &self,
        name: &str,
        begin: u64,
        stop: u64,
        cells: usize,
    ) -> Result<Vec<(u64, [Felt; K])>, CairoError> {
        (begin..stop)
            .step_by(cells)
            .map(|a| {
                let values: [Option<Felt>; K] = std::array::from_fn(|k| self.cell(a + k as u64));
                if values.iter().any(Option::is_none) {
                    return Err(CairoError::BadExecution(format!(
                        "{name} instance at {a} has an unwritten input"
                    )));
                }
                Ok((a, values.map(|v| v.expect("checked"))))
            })
            .collect()
    }
}
