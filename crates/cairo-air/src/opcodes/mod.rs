//! Tables for the opcode extensions that cairo-vm runs beside Cairo's original instruction
//! set (instruction bits 63 and up): today the Blake2s compression of `Blake` and
//! `BlakeFinalize` ([`blake`]). `QM31Operation` is still refused.

pub mod blake;
