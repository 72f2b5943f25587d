//! Execution resources: Cairo steps, memory holes and builtin instances, as blockifier's call
//! infos and receipts report them (gas is blockifier's too: the receipt's gas vector).

use std::collections::BTreeMap;

/// Resources used by a call tree or a transaction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resources {
    /// Cairo steps.
    pub steps: u64,
    /// Memory holes.
    pub memory_holes: u64,
    /// Builtin name → instances used.
    pub builtins: BTreeMap<String, u64>,
}

impl Resources {
    /// Adds `other`.
    pub fn add(&mut self, other: &Resources) {
        self.steps += other.steps;
        self.memory_holes += other.memory_holes;
        for (name, count) in &other.builtins {
            *self.builtins.entry(name.clone()).or_default() += count;
        }
    }
}

impl From<&cairo_vm::vm::runners::cairo_runner::ExecutionResources> for Resources {
    fn from(resources: &cairo_vm::vm::runners::cairo_runner::ExecutionResources) -> Self {
        Resources {
            steps: resources.n_steps as u64,
            memory_holes: resources.n_memory_holes as u64,
            builtins: resources
                .builtin_instance_counter
                .iter()
                .filter(|(_, count)| **count > 0)
                .map(|(name, count)| (name.to_str().to_owned(), *count as u64))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_add_steps_holes_and_builtins() {
        let mut a = Resources { steps: 10, memory_holes: 2, builtins: BTreeMap::new() };
        a.builtins.insert("pedersen".into(), 3);
        let mut b = Resources { steps: 5, ..Default::default() };
        b.builtins.insert("pedersen".into(), 1);
        b.builtins.insert("range_check".into(), 2);
        a.add(&b);
        assert_eq!((a.steps, a.memory_holes), (15, 2));
        assert_eq!(a.builtins["pedersen"], 4);
        assert_eq!(a.builtins["range_check"], 2);
    }
}
