//! Proof options, security presets, the conjectured-security estimate and the verifier's
//! acceptance policy.

use std::fmt;
use std::str::FromStr;

/// Collision resistance of a 256-bit hash bounds the security of everything committed with it.
pub const HASH_SECURITY_LIMIT: u32 = 128;
/// Bits of the field: `p` is just above `2^251`.
pub const FIELD_BITS: u32 = 251;

/// Parameters that set the proof's soundness, size and cost. They are written into every
/// proof and bound into its transcript.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProofOptions {
    /// log2 of the ratio between the evaluation domain and the trace length (the FRI rate
    /// is `2^-log_blowup`).
    pub log_blowup: u8,
    /// Number of FRI queries.
    pub num_queries: u8,
    /// Proof-of-work bits the prover must grind before the queries are drawn.
    pub grinding_bits: u8,
    /// FRI stops folding when the degree bound reaches `2^log_final_degree`; the final
    /// polynomial is sent in the clear.
    pub log_final_degree: u8,
}

/// Named option sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SecurityPreset {
    /// Fast and insecure; only for tests. The default policy refuses it.
    Test,
    /// At least 100 conjectured bits.
    Standard,
    /// At least 128 conjectured bits.
    High,
}

impl SecurityPreset {
    pub fn options(self) -> ProofOptions {
        match self {
            SecurityPreset::Test => ProofOptions {
                log_blowup: 1,
                num_queries: 8,
                grinding_bits: 0,
                log_final_degree: 3,
            },
            // Blowup 2 keeps the low-degree extension (the prover's main cost in time and
            // memory) small; the queries make up for the rate: 80 * 1 + 20 = 100 bits.
            SecurityPreset::Standard => ProofOptions {
                log_blowup: 1,
                num_queries: 80,
                grinding_bits: 20,
                log_final_degree: 6,
            },
            SecurityPreset::High => ProofOptions {
                log_blowup: 2,
                num_queries: 54,
                grinding_bits: 20,
                log_final_degree: 6,
            },
        }
    }
}

impl FromStr for SecurityPreset {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "test" => Ok(Self::Test),
            "standard" => Ok(Self::Standard),
            "high" => Ok(Self::High),
            other => Err(format!("unknown security preset {other:?} (test, standard, high)")),
        }
    }
}

impl fmt::Display for SecurityPreset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Test => "test",
            Self::Standard => "standard",
            Self::High => "high",
        })
    }
}

/// Limits that keep hostile options from making the prover or verifier do absurd work.
pub const MAX_LOG_BLOWUP: u8 = 6;
pub const MAX_QUERIES: u8 = 128;
pub const MAX_GRINDING_BITS: u8 = 32;
pub const MAX_LOG_FINAL_DEGREE: u8 = 10;

impl ProofOptions {
    /// Conjectured security in bits (ethSTARK): `queries * log2(blowup) + grinding`, capped by
    /// the hash's collision resistance and by the field size less the log of the LDE size
    /// (the DEEP/FRI out-of-domain sampling error).
    pub fn conjectured_security_bits(&self, log_size: u32) -> u32 {
        let fri = u32::from(self.num_queries) * u32::from(self.log_blowup)
            + u32::from(self.grinding_bits);
        let field_limit = FIELD_BITS.saturating_sub(log_size + u32::from(self.log_blowup) + 1);
        fri.min(HASH_SECURITY_LIMIT).min(field_limit)
    }

    /// Whether the values are inside the limits a verifier accepts at all.
    pub fn is_well_formed(&self) -> bool {
        (1..=MAX_LOG_BLOWUP).contains(&self.log_blowup)
            && (1..=MAX_QUERIES).contains(&self.num_queries)
            && self.grinding_bits <= MAX_GRINDING_BITS
            && self.log_final_degree <= MAX_LOG_FINAL_DEGREE
    }

    pub fn to_bytes(&self) -> [u8; 4] {
        [self.log_blowup, self.num_queries, self.grinding_bits, self.log_final_degree]
    }

    pub fn from_bytes(b: [u8; 4]) -> Self {
        Self { log_blowup: b[0], num_queries: b[1], grinding_bits: b[2], log_final_degree: b[3] }
    }
}

/// What a verifier accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AcceptancePolicy {
    /// Minimum conjectured security, recomputed from the proof's own options.
    pub min_security_bits: u32,
}

impl Default for AcceptancePolicy {
    /// 100 bits: `standard` and `high` proofs pass, `test` proofs are refused.
    fn default() -> Self {
        Self { min_security_bits: 100 }
    }
}

impl AcceptancePolicy {
    /// Accepts any well-formed options, `test` included. For tests and debugging only.
    pub fn insecure() -> Self {
        Self { min_security_bits: 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_meet_their_promises() {
        let log_size = 20;
        assert!(SecurityPreset::Standard.options().conjectured_security_bits(log_size) >= 100);
        assert!(SecurityPreset::High.options().conjectured_security_bits(log_size) >= 128);
        let test_bits = SecurityPreset::Test.options().conjectured_security_bits(log_size);
        assert!(test_bits < AcceptancePolicy::default().min_security_bits);
        for p in [SecurityPreset::Test, SecurityPreset::Standard, SecurityPreset::High] {
            assert!(p.options().is_well_formed());
            assert_eq!(p.to_string().parse::<SecurityPreset>().unwrap(), p);
        }
    }

    #[test]
    fn hash_caps_security() {
        let o =
            ProofOptions { log_blowup: 4, num_queries: 100, grinding_bits: 0, log_final_degree: 0 };
        assert_eq!(o.conjectured_security_bits(10), HASH_SECURITY_LIMIT);
    }
}
