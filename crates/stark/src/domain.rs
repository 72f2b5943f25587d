//! The trace domain `<g>` (size `n`) and the evaluation (LDE) domain `<w>` (size
//! `N = n * blowup`), with `g = w^blowup`. Evaluations are kept in natural order, so LDE index
//! `k + blowup * i` is the point `w^k g^i` on coset `k`, and the next row of LDE index `j` is
//! `j + blowup`.
//!
//! The evaluation domain is the subgroup itself (offset `h = 1`): coset 0 *is* the trace domain,
//! so its evaluations are the trace values and need no FFT, which saves a third of the LDE work
//! at blowup 2. The composition polynomial is evaluated on coset 1, where every zerofier is
//! invertible; the verifier never divides by a zerofier at a query point, and the out-of-domain
//! point is drawn outside the whole evaluation domain. (The prover is not zero-knowledge, so
//! opening trace rows themselves reveals nothing that matters.)

use crate::field::{Felt, root_of_unity};

#[derive(Clone, Debug)]
pub struct Domain {
    pub log_size: u32,
    pub log_blowup: u32,
    /// Generator of the trace domain.
    pub trace_generator: Felt,
    /// Generator of the evaluation domain.
    pub lde_generator: Felt,
    /// Offset `h` of the evaluation coset.
    pub offset: Felt,
}

impl Domain {
    pub fn new(log_size: u32, log_blowup: u32) -> Self {
        Self {
            log_size,
            log_blowup,
            trace_generator: root_of_unity(log_size),
            lde_generator: root_of_unity(log_size + log_blowup),
            offset: Felt::one(),
        }
    }

    pub fn trace_length(&self) -> usize {
        1 << self.log_size
    }

    pub fn blowup(&self) -> usize {
        1 << self.log_blowup
    }

    pub fn lde_size(&self) -> usize {
        1 << (self.log_size + self.log_blowup)
    }

    /// `h * w^j`.
    pub fn lde_point(&self, j: usize) -> Felt {
        self.offset * self.lde_generator.pow(j as u64)
    }

    /// Shift of coset 1, `h w`, where the composition polynomial is evaluated.
    pub fn composition_shift(&self) -> Felt {
        self.offset * self.lde_generator
    }

    /// `g^(n-1)`, the last row's point.
    pub fn last_row_point(&self) -> Felt {
        self.trace_generator.pow(self.trace_length() as u64 - 1)
    }
}
