//! The trace domain `<g>` (size `n`) and the evaluation (LDE) domain `h * <w>` (size
//! `N = n * blowup`), with `g = w^blowup`. Evaluations are kept in natural order, so row `i` of
//! the trace extends to LDE index `i * blowup` on the coset `h * <g>`, and the next row of LDE
//! index `j` is `j + blowup`.

use crate::field::{Felt, coset_offset, root_of_unity};

#[derive(Clone, Debug)]
pub struct Domain {
    pub log_trace_length: u32,
    pub log_blowup: u32,
    /// Generator of the trace domain.
    pub trace_generator: Felt,
    /// Generator of the evaluation domain.
    pub lde_generator: Felt,
    /// Offset `h` of the evaluation coset.
    pub offset: Felt,
}

impl Domain {
    pub fn new(log_trace_length: u32, log_blowup: u32) -> Self {
        Self {
            log_trace_length,
            log_blowup,
            trace_generator: root_of_unity(log_trace_length),
            lde_generator: root_of_unity(log_trace_length + log_blowup),
            offset: coset_offset(),
        }
    }

    pub fn trace_length(&self) -> usize {
        1 << self.log_trace_length
    }

    pub fn blowup(&self) -> usize {
        1 << self.log_blowup
    }

    pub fn lde_size(&self) -> usize {
        1 << (self.log_trace_length + self.log_blowup)
    }

    /// `h * w^j`.
    pub fn lde_point(&self, j: usize) -> Felt {
        self.offset * self.lde_generator.pow(j as u64)
    }

    /// `g^(n-1)`, the last row's point.
    pub fn last_row_point(&self) -> Felt {
        self.trace_generator.pow(self.trace_length() as u64 - 1)
    }
}
