//! The STARK proof and its binary encoding.
//!
//! Layout (all integers little-endian): options (4 bytes), the number of components (u32),
//! then per component: `log_size` (u8), main root, aux flag (u8) and root,
//! composition root, claims, out-of-domain values (main at z, main at gz, aux at z, aux at
//! gz, composition at z) and its openings (main rows, aux rows, composition values); then the
//! FRI layer roots, the FRI final polynomial, the proof-of-work nonce (u64) and one opening per
//! FRI layer. Every vector is u32-length-prefixed. Decoding rejects non-canonical field
//! elements and trailing bytes, so one proof has exactly one encoding.

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
    pub main_root: Hash,
    pub aux_root: Option<Hash>,
    pub composition_root: Hash,
    /// Last-row values of the component's claim columns.
    pub claims: Vec<Felt>,
    pub ood_main_current: Vec<Felt>,
    pub ood_main_next: Vec<Felt>,
    pub ood_aux_current: Vec<Felt>,
    pub ood_aux_next: Vec<Felt>,
    pub ood_composition: Felt,
    pub main_opening: Opening,
    pub aux_opening: Option<Opening>,
    pub composition_opening: Opening,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StarkProof {
    pub options: ProofOptions,
    pub components: Vec<ComponentProof>,
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

fn write_opening(w: &mut ByteWriter, o: &Opening) {
    w.u32(o.rows.len() as u32);
    w.u32(o.rows.first().map_or(0, |r| r.len()) as u32);
    for row in &o.rows {
        row.iter().for_each(|x| w.felt(x));
    }
    w.hashes(&o.merkle_proof);
}

fn read_opening(r: &mut ByteReader<'_>, what: &str) -> Result<Opening, DecodeError> {
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
    let merkle_proof = r.hashes(what)?;
    Ok(Opening { rows, merkle_proof })
}

impl ComponentProof {
    fn write(&self, w: &mut ByteWriter) {
        w.u8(self.log_size as u8);
        w.hash(&self.main_root);
        match &self.aux_root {
            Some(root) => {
                w.u8(1);
                w.hash(root);
            }
            None => w.u8(0),
        }
        w.hash(&self.composition_root);
        w.felts(&self.claims);
        w.felts(&self.ood_main_current);
        w.felts(&self.ood_main_next);
        w.felts(&self.ood_aux_current);
        w.felts(&self.ood_aux_next);
        w.felt(&self.ood_composition);
        write_opening(w, &self.main_opening);
        if let Some(aux) = &self.aux_opening {
            write_opening(w, aux);
        }
        write_opening(w, &self.composition_opening);
    }

    fn read(r: &mut ByteReader<'_>) -> Result<Self, DecodeError> {
        let log_size = u32::from(r.u8("trace length")?);
        let main_root = r.hash("main root")?;
        let aux_root = match r.u8("aux flag")? {
            0 => None,
            1 => Some(r.hash("aux root")?),
            other => return Err(DecodeError(format!("aux flag {other}"))),
        };
        let composition_root = r.hash("composition root")?;
        let claims = r.felts("claims")?;
        let ood_main_current = r.felts("ood main")?;
        let ood_main_next = r.felts("ood main next")?;
        let ood_aux_current = r.felts("ood aux")?;
        let ood_aux_next = r.felts("ood aux next")?;
        let ood_composition = r.felt("ood composition")?;
        let main_opening = read_opening(r, "main opening")?;
        let aux_opening =
            if aux_root.is_some() { Some(read_opening(r, "aux opening")?) } else { None };
        let composition_opening = read_opening(r, "composition opening")?;
        Ok(Self {
            log_size,
            main_root,
            aux_root,
            composition_root,
            claims,
            ood_main_current,
            ood_main_next,
            ood_aux_current,
            ood_aux_next,
            ood_composition,
            main_opening,
            aux_opening,
            composition_opening,
        })
    }
}

/// Upper bound on the number of components a decoder accepts.
const MAX_COMPONENTS: usize = 64;

impl StarkProof {
    pub fn write(&self, w: &mut ByteWriter) {
        w.raw(&self.options.to_bytes());
        w.u32(self.components.len() as u32);
        self.components.iter().for_each(|c| c.write(w));
        w.hashes(&self.fri_roots);
        w.felts(&self.fri_final);
        w.u64(self.pow_nonce);
        w.u32(self.fri_openings.len() as u32);
        self.fri_openings.iter().for_each(|o| write_opening(w, o));
    }

    pub fn read(r: &mut ByteReader<'_>) -> Result<Self, DecodeError> {
        let options = ProofOptions::from_bytes(r.take(4, "options")?.try_into().expect("4 bytes"));
        let count = r.u32("components")? as usize;
        if count == 0 || count > MAX_COMPONENTS {
            return Err(DecodeError(format!("{count} components")));
        }
        let components =
            (0..count).map(|_| ComponentProof::read(r)).collect::<Result<Vec<_>, _>>()?;
        let fri_roots = r.hashes("fri roots")?;
        let fri_final = r.felts("fri final")?;
        let pow_nonce = r.u64("nonce")?;
        let layers = r.count(8, "fri openings")?;
        let fri_openings =
            (0..layers).map(|_| read_opening(r, "fri opening")).collect::<Result<Vec<_>, _>>()?;
        Ok(Self { options, components, fri_roots, fri_final, pow_nonce, fri_openings })
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
