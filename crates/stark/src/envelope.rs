//! The self-describing proof file: magic, format version, AIR name, public input, proof.
//!
//! ```text
//! "WPSTARK\0" | format version (u16) | AIR name (u32 len + UTF-8) |
//! public input (u32 len + bytes) | StarkProof (see `proof`)
//! ```

use crate::air::Air;
use crate::codec::{ByteReader, ByteWriter, DecodeError};
use crate::error::VerifierError;
use crate::options::AcceptancePolicy;
use crate::proof::StarkProof;

pub const MAGIC: [u8; 8] = *b"WPSTARK\0";
/// 4: the Cairo statement binds the program's builtin list and end (older proofs are refused
/// with a message that names their format). 5: one Merkle tree per phase over every
/// component's columns instead of three per component.
pub const FORMAT_VERSION: u16 = 5;

/// The format version of a proof file, if `bytes` starts like one (to tell an old proof from
/// garbage).
pub fn envelope_format_version(bytes: &[u8]) -> Option<u16> {
    let mut r = ByteReader::new(bytes);
    (r.take(MAGIC.len(), "magic").ok()? == &MAGIC[..]).then(|| r.u16("format version").ok())?
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofEnvelope {
    pub air_name: String,
    pub public_input: Vec<u8>,
    pub proof: StarkProof,
}

impl ProofEnvelope {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = ByteWriter::new();
        w.raw(&MAGIC);
        w.u16(FORMAT_VERSION);
        w.bytes(self.air_name.as_bytes());
        w.bytes(&self.public_input);
        self.proof.write(&mut w);
        w.into_bytes()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = ByteReader::new(bytes);
        if r.take(MAGIC.len(), "magic").ok() != Some(&MAGIC[..]) {
            return Err(DecodeError("not a watcher-prover proof (bad magic)".into()));
        }
        let version = r.u16("format version")?;
        if version != FORMAT_VERSION {
            return Err(DecodeError(format!("unsupported proof format version {version}")));
        }
        let air_name = String::from_utf8(r.bytes("AIR name")?.to_vec())
            .map_err(|_| DecodeError("AIR name is not UTF-8".into()))?;
        let public_input = r.bytes("public input")?.to_vec();
        let proof = StarkProof::read(&mut r)?;
        r.finish()?;
        Ok(Self { air_name, public_input, proof })
    }
}

/// Verifies an envelope against `air`: the envelope must name this AIR and carry exactly its
/// public input, then the proof must verify under `policy`.
pub fn verify_envelope<A: Air>(
    air: &A,
    envelope: &ProofEnvelope,
    policy: &AcceptancePolicy,
) -> Result<(), VerifierError> {
    if envelope.air_name != air.name() {
        return Err(VerifierError::Malformed(format!(
            "proof is for AIR {:?}, expected {:?}",
            envelope.air_name,
            air.name()
        )));
    }
    if envelope.public_input != air.public_input_bytes() {
        return Err(VerifierError::Malformed("public input does not match the statement".into()));
    }
    crate::verifier::verify(air, &envelope.proof, policy)
}
