//! The STARK proof and its binary encoding.
//!
//! Layout (all integers little-endian): options (4 bytes); the roots of the three trees that
//! commit to every component's columns (`crate::mixed_merkle`): main, aux flag (u8) and aux
//! root, composition; the number of components (u32), then per component: `log_size` (u8),
//! claims, out-of-domain values (main at z, main at gz, aux at z, aux at gz, composition at z)
//! and its opened rows (main, aux where it has auxiliary columns, composition values); then
//! the three trees' batched paths (the aux one where there is an aux tree), the FRI layer
//! roots, the FRI final polynomial, the proof-of-work nonce (u64) and one opening per FRI
//! layer. Every vector is u32-length-prefixed. Decoding rejects non-canonical field elements
//! and trailing bytes, so one proof has exactly one encoding.

use crate::codec::{ByteReader, ByteWriter, DecodeError};
use crate::field::{FELT_BYTES, Felt};
use crate::merkle::Hash;
use crate::options::ProofOptions;

/// Rows of one committed table at the queried positions, and the batch Merkle proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opening {
    pub rows: Vec<Vec<Felt>>,
    pub merkle_proof: Vec<Hash>,
}

/// What the proof holds for one component (trace table).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentProof {
    pub log_size: u32,
    /// Last-row values of the component's claim columns.
    pub claims: Vec<Felt>,
    pub ood_main_current: Vec<Felt>,
    pub ood_main_next: Vec<Felt>,
    pub ood_aux_current: Vec<Felt>,
    pub ood_aux_next: Vec<Felt>,
    pub ood_composition: Felt,
    /// The main rows at the component's query positions (ascending).
    pub main_rows: Vec<Vec<Felt>>,
    /// The auxiliary rows there, for a component with auxiliary columns.
    pub aux_rows: Option<Vec<Vec<Felt>>>,
    /// The composition polynomial's values there.
    pub composition_values: Vec<Felt>,
}

/// The roots of the trees that commit to every component's columns, one per phase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commitments {
    pub main: Hash,
    /// `None` when no component has auxiliary columns.
    pub aux: Option<Hash>,
    pub composition: Hash,
}

/// The batched paths of the three trees at the queries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreePaths {
    pub main: Vec<Hash>,
    /// Empty when there is no aux tree.
    pub aux: Vec<Hash>,
    pub composition: Vec<Hash>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StarkProof {
    pub options: ProofOptions,
    pub roots: Commitments,
    pub components: Vec<ComponentProof>,
    pub paths: TreePaths,
    pub fri_roots: Vec<Hash>,
    pub fri_final: Vec<Felt>,
    pub pow_nonce: u64,
    pub fri_openings: Vec<Opening>,
}

impl StarkProof {
    /// log2 of the largest component's trace length.
    pub fn max_log_trace_length(&self) -> u32 {
        self.components.iter().map(|c| c.log_size).max().unwrap_or(0)
    }
}

/// Rows of one width: count (u32), width (u32), then the values row by row.
fn write_rows(w: &mut ByteWriter, rows: &[Vec<Felt>]) {
    w.u32(rows.len() as u32);
    w.u32(rows.first().map_or(0, |r| r.len()) as u32);
    for row in rows {
        row.iter().for_each(|x| w.felt(x));
    }
}

fn read_rows(r: &mut ByteReader<'_>, what: &str) -> Result<Vec<Vec<Felt>>, DecodeError> {
    let count = r.u32(what)? as usize;
    let width = r.u32(what)? as usize;
    let cells = count.saturating_mul(width);
    if cells.saturating_mul(FELT_BYTES) > r.remaining() || (count > 0 && width == 0) {
        return Err(DecodeError(format!("{what}: {count} rows of {width} exceed the input")));
    }
    let mut rows = Vec::with_capacity(count);
    for _ in 0..count {
        rows.push((0..width).map(|_| r.felt(what)).collect::<Result<Vec<_>, _>>()?);
    }
    Ok(rows)
}

fn write_opening(w: &mut ByteWriter, o: &Opening) {
    write_rows(w, &o.rows);
    w.hashes(&o.merkle_proof);
}

fn read_opening(r: &mut ByteReader<'_>, what: &str) -> Result<Opening, DecodeError> {
    let rows = read_rows(r, what)?;
    let merkle_proof = r.hashes(what)?;
    Ok(Opening { rows, merkle_proof })
}

impl ComponentProof {
    fn write(&self, w: &mut ByteWriter) {
        w.u8(self.log_size as u8);
        w.felts(&self.claims);
        w.felts(&self.ood_main_current);
        w.felts(&self.ood_main_next);
        w.felts(&self.ood_aux_current);
        w.felts(&self.ood_aux_next);
        w.felt(&self.ood_composition);
        write_rows(w, &self.main_rows);
        match &self.aux_rows {
            Some(rows) => {
                w.u8(1);
                write_rows(w, rows);
            }
            None => w.u8(0),
        }
        w.felts(&self.composition_values);
    }

    fn read(r: &mut ByteReader<'_>) -> Result<Self, DecodeError> {
        let log_size = u32::from(r.u8("trace length")?);
        let claims = r.felts("claims")?;
        let ood_main_current = r.felts("ood main")?;
        let ood_main_next = r.felts("ood main next")?;
        let ood_aux_current = r.felts("ood aux")?;
        let ood_aux_next = r.felts("ood aux next")?;
        let ood_composition = r.felt("ood composition")?;
        let main_rows = read_rows(r, "main rows")?;
        let aux_rows = match r.u8("aux flag")? {
            0 => None,
            1 => Some(read_rows(r, "aux rows")?),
            other => return Err(DecodeError(format!("aux flag {other}"))),
        };
        let composition_values = r.felts("composition values")?;
        Ok(Self {
            log_size,
            claims,
            ood_main_current,
            ood_main_next,
            ood_aux_current,
            ood_aux_next,
            ood_composition,
            main_rows,
            aux_rows,
            composition_values,
        })
    }
}

/// Upper bound on the number of components a decoder accepts.
const MAX_COMPONENTS: usize = 64;

impl StarkProof {
    pub fn write(&self, w: &mut ByteWriter) {
        w.raw(&self.options.to_bytes());
        w.hash(&self.roots.main);
        match &self.roots.aux {
            Some(root) => {
                w.u8(1);
                w.hash(root);
            }
            None => w.u8(0),
        }
        w.hash(&self.roots.composition);
        w.u32(self.components.len() as u32);
        self.components.iter().for_each(|c| c.write(w));
        w.hashes(&self.paths.main);
        if self.roots.aux.is_some() {
            w.hashes(&self.paths.aux);
        }
        w.hashes(&self.paths.composition);
        w.hashes(&self.fri_roots);
        w.felts(&self.fri_final);
        w.u64(self.pow_nonce);
        w.u32(self.fri_openings.len() as u32);
        self.fri_openings.iter().for_each(|o| write_opening(w, o));
    }

    pub fn read(r: &mut ByteReader<'_>) -> Result<Self, DecodeError> {
        let options = ProofOptions::from_bytes(r.take(4, "options")?.try_into().expect("4 bytes"));
        let main = r.hash("main root")?;
        let aux = match r.u8("aux flag")? {
            0 => None,
            1 => Some(r.hash("aux root")?),
            other => return Err(DecodeError(format!("aux flag {other}"))),
        };
        let roots = Commitments { main, aux, composition: r.hash("composition root")? };
        let count = r.u32("components")? as usize;
        if count == 0 || count > MAX_COMPONENTS {
            return Err(DecodeError(format!("{count} components")));
        }
        let components =
            (0..count).map(|_| ComponentProof::read(r)).collect::<Result<Vec<_>, _>>()?;
        let main = r.hashes("main paths")?;
        let aux = if roots.aux.is_some() { r.hashes("aux paths")? } else { Vec::new() };
        let paths = TreePaths { main, aux, composition: r.hashes("composition paths")? };
        let fri_roots = r.hashes("fri roots")?;
        let fri_final = r.felts("fri final")?;
        let pow_nonce = r.u64("nonce")?;
        let layers = r.count(8, "fri openings")?;
        let fri_openings =
            (0..layers).map(|_| read_opening(r, "fri opening")).collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            options,
            roots,
            components,
            paths,
            fri_roots,
            fri_final,
            pow_nonce,
            fri_openings,
        })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = ByteWriter::new();
        self.write(&mut w);
        w.into_bytes()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = ByteReader::new(bytes);
        let proof = Self::read(&mut r)?;
        r.finish()?;
        Ok(proof)
    }
}
