//! [`ProveBudget`]: what one block may cost the prover. A hostile sequencer can produce a block
//! that no machine proves (millions of steps, a DECLARE whose class hashing needs tens of
//! thousands of Pedersen instances); the prover checks the budget before the OS run (the
//! executor's steps), and again after it, before proving (the OS's steps and
//! [`cairo_air::ProverFootprint`]'s memory estimate). A block over budget fails with
//! [`crate::prover::ProveError::OverBudget`] and the reason; the pipeline goes on with the
//! next block instead of being killed by the kernel and restarting into the same block.

/// Limits on one block's proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProveBudget {
    /// Most Cairo steps (the executor's before the OS run, the OS's after it).
    pub max_steps: u64,
    /// Most estimated peak memory of proving one block, in bytes.
    pub max_memory_bytes: u64,
}

/// Default step limit: 2^23 steps, a CPU table of 2^23 rows (about 40 GB to prove); the memory
/// estimate is what binds on smaller machines.
pub const DEFAULT_MAX_STEPS: u64 = 1 << 23;
/// Memory assumed when the machine's cannot be read.
const FALLBACK_MEMORY_BYTES: u64 = 16 << 30;
/// Share of the machine's memory the provers may use together (percent); the rest is the
/// service's own (replay state, sled caches, the API) and the system's.
const PROVER_SHARE_PERCENT: u64 = 70;

impl ProveBudget {
    /// The budget for `workers` blocks proven at once on this machine: [`DEFAULT_MAX_STEPS`],
    /// and 70 % of the memory available to the process (the cgroup limit if one is set, else
    /// the machine's) divided among the workers.
    pub fn for_this_machine(workers: usize) -> Self {
        let available = available_memory_bytes().unwrap_or(FALLBACK_MEMORY_BYTES);
        ProveBudget {
            max_steps: DEFAULT_MAX_STEPS,
            max_memory_bytes: available / 100 * PROVER_SHARE_PERCENT / workers.max(1) as u64,
        }
    }

    /// Why `steps` is over budget, if it is.
    pub fn check_steps(&self, what: &str, steps: u64) -> Result<(), String> {
        if steps > self.max_steps {
            return Err(format!(
                "{what}: {steps} steps, more than the limit of {}",
                self.max_steps
            ));
        }
        Ok(())
    }

    /// Why an estimated peak of `bytes` is over budget, if it is.
    pub fn check_memory(&self, bytes: u64) -> Result<(), String> {
        if bytes > self.max_memory_bytes {
            return Err(format!(
                "proving needs an estimated {:.1} GiB, more than the limit of {:.1} GiB",
                gib(bytes),
                gib(self.max_memory_bytes)
            ));
        }
        Ok(())
    }
}

fn gib(bytes: u64) -> f64 {
    bytes as f64 / f64::from(1u32 << 30)
}

/// The memory this process may use: the cgroup v2 limit (containers, Kubernetes) when set,
/// else the machine's total (`/proc/meminfo`). `None` where neither is readable.
pub fn available_memory_bytes() -> Option<u64> {
    let total = std::fs::read_to_string("/proc/meminfo").ok().and_then(|text| {
        let line = text.lines().find(|line| line.starts_with("MemTotal:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    });
    let cgroup = std::fs::read_to_string("/sys/fs/cgroup/memory.max")
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok());
    match (total, cgroup) {
        (Some(total), Some(limit)) => Some(total.min(limit)),
        (total, limit) => total.or(limit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_name_the_figures() {
        let budget = ProveBudget { max_steps: 1000, max_memory_bytes: 2 << 30 };
        assert!(budget.check_steps("OS run", 1000).is_ok());
        let steps = budget.check_steps("OS run", 1001).unwrap_err();
        assert_eq!(steps, "OS run: 1001 steps, more than the limit of 1000");
        assert!(budget.check_memory(2 << 30).is_ok());
        let memory = budget.check_memory(3 << 30).unwrap_err();
        assert!(memory.contains("3.0 GiB") && memory.contains("2.0 GiB"), "{memory}");
    }

    #[test]
    fn the_machine_budget_is_shared_by_the_workers() {
        let one = ProveBudget::for_this_machine(1);
        let four = ProveBudget::for_this_machine(4);
        assert!(one.max_memory_bytes > 0);
        assert_eq!(four.max_memory_bytes, one.max_memory_bytes / 4);
    }
}
