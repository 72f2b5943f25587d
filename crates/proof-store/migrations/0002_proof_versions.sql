-- Schema 2 of the prover cluster's job queue: what each stored proof is, for upgrades. The
-- acknowledging worker records the proof file's format version and the OS program hash the
-- proof is about (from the proof's metadata); both stay NULL for jobs stored under schema 1,
-- whose metadata in the store still says them. An operator finds the proofs of an older OS
-- program or prover with one query.
ALTER TABLE jobs
    ADD COLUMN proof_format_version INTEGER,
    ADD COLUMN os_program_hash      TEXT;
