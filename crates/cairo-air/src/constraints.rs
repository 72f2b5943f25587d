//! A component's constraint kinds and names, in evaluation order.

use stark::ConstraintKind;

pub struct ConstraintList {
    kinds: Vec<ConstraintKind>,
    names: Vec<String>,
}

impl ConstraintList {
    pub fn new(list: Vec<(ConstraintKind, String)>) -> Self {
        let (kinds, names) = list.into_iter().unzip();
        Self { kinds, names }
    }

    pub fn kinds(&self) -> &[ConstraintKind] {
        &self.kinds
    }

    pub fn name(&self, index: usize) -> String {
        self.names.get(index).cloned().unwrap_or_else(|| format!("constraint {index}"))
    }
}
