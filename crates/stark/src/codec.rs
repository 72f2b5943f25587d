//! Little-endian byte writer and a bounds-checked reader that never panics on hostile input.

use crate::field::{FELT_BYTES, Felt, felt_from_bytes, felt_to_bytes};
use crate::merkle::Hash;

#[derive(Default, Debug)]
pub struct ByteWriter {
    bytes: Vec<u8>,
}

impl ByteWriter {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
    pub fn raw(&mut self, b: &[u8]) {
        self.bytes.extend_from_slice(b);
    }
    pub fn u8(&mut self, v: u8) {
        self.bytes.push(v);
    }
    pub fn u16(&mut self, v: u16) {
        self.raw(&v.to_le_bytes());
    }
    pub fn u32(&mut self, v: u32) {
        self.raw(&v.to_le_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.raw(&v.to_le_bytes());
    }
    pub fn felt(&mut self, x: &Felt) {
        self.raw(&felt_to_bytes(x));
    }
    pub fn hash(&mut self, h: &Hash) {
        self.raw(h);
    }
    /// Length-prefixed (u32) bytes.
    pub fn bytes(&mut self, b: &[u8]) {
        self.u32(b.len() as u32);
        self.raw(b);
    }
    /// Length-prefixed (u32) field elements.
    pub fn felts(&mut self, xs: &[Felt]) {
        self.u32(xs.len() as u32);
        xs.iter().for_each(|x| self.felt(x));
    }
    /// Length-prefixed (u32) hashes.
    pub fn hashes(&mut self, hs: &[Hash]) {
        self.u32(hs.len() as u32);
        hs.iter().for_each(|h| self.hash(h));
    }
}

/// Why bytes could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

pub struct ByteReader<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> ByteReader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, position: 0 }
    }

    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.position
    }

    pub fn take(&mut self, len: usize, what: &str) -> Result<&'a [u8], DecodeError> {
        if len > self.remaining() {
            return Err(DecodeError(format!("truncated: {what} needs {len} bytes")));
        }
        let out = &self.bytes[self.position..self.position + len];
        self.position += len;
        Ok(out)
    }

    pub fn u8(&mut self, what: &str) -> Result<u8, DecodeError> {
        Ok(self.take(1, what)?[0])
    }
    pub fn u16(&mut self, what: &str) -> Result<u16, DecodeError> {
        Ok(u16::from_le_bytes(self.take(2, what)?.try_into().expect("2 bytes")))
    }
    pub fn u32(&mut self, what: &str) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.take(4, what)?.try_into().expect("4 bytes")))
    }
    pub fn u64(&mut self, what: &str) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.take(8, what)?.try_into().expect("8 bytes")))
    }
    pub fn felt(&mut self, what: &str) -> Result<Felt, DecodeError> {
        let b: &[u8; FELT_BYTES] = self.take(FELT_BYTES, what)?.try_into().expect("32 bytes");
        felt_from_bytes(b)
            .ok_or_else(|| DecodeError(format!("{what}: non-canonical field element")))
    }
    pub fn hash(&mut self, what: &str) -> Result<Hash, DecodeError> {
        Ok(self.take(32, what)?.try_into().expect("32 bytes"))
    }
    /// A u32 count of items of `item_size` bytes, checked against the bytes left so a hostile
    /// count cannot trigger a huge allocation.
    pub fn count(&mut self, item_size: usize, what: &str) -> Result<usize, DecodeError> {
        let n = self.u32(what)? as usize;
        if n.saturating_mul(item_size.max(1)) > self.remaining() {
            return Err(DecodeError(format!("{what}: count {n} exceeds the remaining bytes")));
        }
        Ok(n)
    }
    pub fn bytes(&mut self, what: &str) -> Result<&'a [u8], DecodeError> {
        let n = self.count(1, what)?;
        self.take(n, what)
    }
    pub fn felts(&mut self, what: &str) -> Result<Vec<Felt>, DecodeError> {
        let n = self.count(FELT_BYTES, what)?;
        (0..n).map(|_| self.felt(what)).collect()
    }
    pub fn hashes(&mut self, what: &str) -> Result<Vec<Hash>, DecodeError> {
        let n = self.count(32, what)?;
        (0..n).map(|_| self.hash(what)).collect()
    }
    pub fn finish(&self) -> Result<(), DecodeError> {
        if self.remaining() != 0 {
            return Err(DecodeError(format!("{} trailing bytes", self.remaining())));
        }
        Ok(())
    }
}
