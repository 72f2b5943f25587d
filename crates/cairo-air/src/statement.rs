//! The Cairo statement: the CPU component, one component per used builtin with a table, the
//! 16-bit range table when a builtin needs range checks, and the checks that tie their claims
//! together.
//!
//! Components, in order: `cpu`; the builtin tables in registry order ([`Builtin::ALL`]: today
//! `range_check`, `bitwise`, `poseidon`, `pedersen`, `ecdsa`, `range_check96`, `ec_op`,
//! `add_mod`, `mul_mod`, `keccak`), each if its segment is not empty; `range16` (if a present
//! table makes 16-bit lookups); `pedersen_points` (if a present table looks up window
//! points). Claims:
//! * memory: `P_cpu * prod_b P_b = z^D / prod_public (z - (a + alpha v))`, where `D` is the
//!   number of public cells plus the number of builtin-table accesses (padding included),
//!   all derived from the public input;
//! * 16-bit lookups: the range table's sum equals the sum of the lookup sums of the tables
//!   that make them;
//! * window points: the points table's sum equals the sum of the lookup sums of the tables
//!   that make them.

use stark::{Air, Component, Felt};

use crate::air::Cpu;
use crate::builtins::pedersen::points_table::PedersenPoints;
use crate::builtins::range16::Range16;
use crate::layout::*;
use crate::program::Builtin;
use crate::public_input::CairoPublicInput;

/// AIR name bound into every proof; bump the version on any change to the constraints.
pub const AIR_NAME: &str = "watcher-prover/cairo/v5";

/// The Cairo AIR for one public input.
pub struct CairoAir {
    public: CairoPublicInput,
    public_input_bytes: Vec<u8>,
    cpu: Cpu,
    /// The used builtins' tables, in registry order.
    tables: Vec<BuiltinComponent>,
    range16: Option<Range16>,
    points: Option<PedersenPoints>,
}

/// A used builtin's table in the statement.
struct BuiltinComponent {
    builtin: Builtin,
    component: Box<dyn Component>,
}

impl BuiltinComponent {
    /// The memory accesses the table makes: its instances (padding included) times their
    /// accesses.
    fn accesses(&self) -> u64 {
        let table = self.builtin.table();
        let instances = (1u64 << self.component.log_size()) / table.rows_per_instance() as u64;
        instances * table.accesses_per_instance() as u64
    }
}

/// The `[begin, stop)` of the used builtin segment, if the program has one with cells.
pub(crate) fn used_segment(public: &CairoPublicInput, builtin: Builtin) -> Option<(u64, u64)> {
    public
        .builtins
        .iter()
        .find(|b| b.builtin == builtin && b.stop > b.begin)
        .map(|b| (b.begin, b.stop))
}

impl CairoAir {
    pub fn new(public: CairoPublicInput) -> Self {
        let tables: Vec<BuiltinComponent> = Builtin::ALL
            .into_iter()
            .filter_map(|builtin| {
                let (begin, stop) = used_segment(&public, builtin)?;
                let component = builtin.table().component(begin, stop)?;
                Some(BuiltinComponent { builtin, component })
            })
            .collect();
        let range16 = tables.iter().any(|t| t.builtin.table().lookups_16_bit()).then(Range16::new);
        let points = tables
            .iter()
            .any(|t| t.builtin.table().lookups_pedersen_points())
            .then(PedersenPoints::new);
        Self {
            public_input_bytes: public.to_bytes(),
            cpu: Cpu::new(&public),
            tables,
            range16,
            points,
            public,
        }
    }

    pub fn public_input(&self) -> &CairoPublicInput {
        &self.public
    }

    /// Memory accesses the builtin tables make (their rows' instances times their cells).
    pub(crate) fn builtin_accesses(&self) -> u64 {
        self.tables.iter().map(BuiltinComponent::accesses).sum()
    }

    /// `z^D / prod_public (z - (a + alpha v))`, or 0 in the negligible event that a factor
    /// vanishes (no proof can then match).
    fn public_memory_quotient(&self, challenges: &[Felt]) -> Felt {
        let (z, alpha) = (&challenges[CHALLENGE_MEM_Z], &challenges[CHALLENGE_MEM_ALPHA]);
        let cells = self.public.public_memory();
        let denominator =
            cells.iter().fold(Felt::one(), |acc, (a, v)| acc * (z - (Felt::from(*a) + alpha * v)));
        let dummies = cells.len() as u64 + self.builtin_accesses();
        denominator.inv().map(|d| z.pow(dummies) * d).unwrap_or(Felt::zero())
    }
}

impl Air for CairoAir {
    fn name(&self) -> &str {
        AIR_NAME
    }

    fn public_input_bytes(&self) -> Vec<u8> {
        self.public_input_bytes.clone()
    }

    fn components(&self) -> Vec<&dyn Component> {
        let mut components: Vec<&dyn Component> = vec![&self.cpu];
        components.extend(self.tables.iter().map(|t| t.component.as_ref()));
        if let Some(range16) = &self.range16 {
            components.push(range16);
        }
        if let Some(points) = &self.points {
            components.push(points);
        }
        components
    }

    fn num_aux_challenges(&self) -> usize {
        N_CHALLENGES
    }

    fn check_claims(&self, challenges: &[Felt], claims: &[Vec<Felt>]) -> bool {
        // Claim layout follows `components`; lengths were checked by the engine. Every
        // builtin table's first claim is its memory product, then its 16-bit lookup sum if it
        // makes such lookups, then its window-point lookup sum if it makes those.
        let mut memory_product = claims[0][0];
        let (mut lookups_16, mut lookups_points) = (Felt::zero(), Felt::zero());
        for (table, claims) in self.tables.iter().zip(&claims[1..]) {
            let table = table.builtin.table();
            memory_product *= claims[0];
            let mut next = claims[1..].iter();
            if table.lookups_16_bit() {
                lookups_16 += *next.next().expect("the engine checked the claim count");
            }
            if table.lookups_pedersen_points() {
                lookups_points += *next.next().expect("the engine checked the claim count");
            }
        }
        let mut lookup_tables = claims[1 + self.tables.len()..].iter();
        let mut table_sum = |present: bool| match present {
            true => lookup_tables.next().expect("the engine checked the claim count")[0],
            false => Felt::zero(),
        };
        let range_table = table_sum(self.range16.is_some());
        let points_table = table_sum(self.points.is_some());
        memory_product == self.public_memory_quotient(challenges)
            && lookups_16 == range_table
            && lookups_points == points_table
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public_input::BuiltinSegment;

    /// A statement with a segment of two instances of every builtin.
    fn every_builtin() -> CairoAir {
        let mut begin = 1000;
        let builtins = Builtin::ALL
            .map(|builtin| {
                let stop = begin + 2 * builtin.cells_per_instance();
                let segment = BuiltinSegment { builtin, begin, stop };
                begin = stop;
                segment
            })
            .to_vec();
        CairoAir::new(CairoPublicInput {
            log_size: 4,
            program: Vec::new(),
            initial_pc: 1,
            final_pc: 1,
            initial_ap: 10,
            final_ap: 20,
            rc_min: 0,
            rc_max: 0,
            builtins,
            output: Vec::new(),
        })
    }

    #[test]
    fn the_tables_follow_the_registry() {
        let air = every_builtin();
        let names: Vec<&str> = air.components().iter().map(|c| c.component_name()).collect();
        assert_eq!(
            names,
            [
                "cpu",
                "range_check",
                "bitwise",
                "poseidon",
                "pedersen",
                "ecdsa",
                "range_check96",
                "ec_op",
                "add_mod",
                "mul_mod",
                "keccak",
                "range16",
                "pedersen_points"
            ]
        );
        // Two instances each: the one-row tables pad to 8 rows, pedersen, ecdsa and ec_op hold
        // two; an add_mod or mul_mod row makes 22 accesses; keccak holds two of 16 cells.
        assert_eq!(
            air.builtin_accesses(),
            8 + 8 * 5 + 8 * 6 + 2 * 3 + 2 * 2 + 8 + 2 * 7 + 2 * 8 * 22 + 2 * 16
        );
    }

    #[test]
    fn every_constraint_has_its_own_name() {
        for component in every_builtin().components() {
            let count = component.constraint_kinds().len();
            let names: Vec<String> = (0..count).map(|i| component.constraint_name(i)).collect();
            let distinct: std::collections::HashSet<&String> = names.iter().collect();
            let table = component.component_name();
            assert_eq!(distinct.len(), count, "{table} names two constraints alike");
            assert!(names.iter().all(|n| n.starts_with(table) || table == "cpu"), "{names:?}");
        }
    }
}
