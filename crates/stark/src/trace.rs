//! Execution traces as column-major tables.

use crate::field::Felt;

/// A table of `width` columns of `length` field elements each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceTable {
    columns: Vec<Vec<Felt>>,
    length: usize,
}

impl TraceTable {
    /// Panics if the columns have different lengths.
    pub fn new(columns: Vec<Vec<Felt>>, length: usize) -> Self {
        assert!(columns.iter().all(|c| c.len() == length), "columns must have equal length");
        Self { columns, length }
    }

    /// A table of zeros.
    pub fn zeros(width: usize, length: usize) -> Self {
        Self::new(vec![vec![Felt::zero(); length]; width], length)
    }

    pub fn width(&self) -> usize {
        self.columns.len()
    }

    pub fn length(&self) -> usize {
        self.length
    }

    pub fn column(&self, c: usize) -> &[Felt] {
        &self.columns[c]
    }

    pub fn column_mut(&mut self, c: usize) -> &mut Vec<Felt> {
        &mut self.columns[c]
    }

    pub fn columns(&self) -> &[Vec<Felt>] {
        &self.columns
    }

    pub fn into_columns(self) -> Vec<Vec<Felt>> {
        self.columns
    }

    pub fn get(&self, row: usize, c: usize) -> &Felt {
        &self.columns[c][row]
    }

    pub fn set(&mut self, row: usize, c: usize, value: Felt) {
        self.columns[c][row] = value;
    }

    /// Copies row `row` into `out`.
    pub fn read_row(&self, row: usize, out: &mut Vec<Felt>) {
        out.clear();
        out.extend(self.columns.iter().map(|c| c[row]));
    }
}
