-- Schema 1 of the prover cluster's job queue (crates/proof-store/src/queue/postgres.rs).
-- Applied once, in a transaction, by the first coordinator or worker that connects; the
-- version is then recorded in `schema_version`.

-- One row per block: the coordinator inserts it once the block's witness is in the object
-- store; workers lease it, prove, store the proof and acknowledge.
CREATE TABLE jobs (
    block_number     BIGINT PRIMARY KEY,
    block_hash       TEXT NOT NULL,
    parent_hash      TEXT NOT NULL,
    state_root       TEXT,
    witness_key      TEXT NOT NULL,
    witness_sha256   TEXT NOT NULL,
    -- queued: waiting for a worker (from `not_before` on); leased: a worker holds
    -- `lease_token` until `lease_expires_at`; stored: the proof is in the store;
    -- dead: given up after `attempts`, `last_error` says why.
    status           TEXT NOT NULL CHECK (status IN ('queued', 'leased', 'stored', 'dead')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    not_before       TIMESTAMPTZ NOT NULL DEFAULT now(),
    lease_token      BIGINT,
    lease_owner      TEXT,
    leased_at        TIMESTAMPTZ,
    lease_expires_at TIMESTAMPTZ,
    last_error       TEXT,
    proof_key        TEXT,
    stored_by        TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((status = 'leased') = (lease_token IS NOT NULL))
);

-- What `lease` scans: ready jobs in block order.
CREATE INDEX jobs_queued ON jobs (block_number) WHERE status = 'queued';
-- What lease expiry scans.
CREATE INDEX jobs_leased ON jobs (lease_expires_at) WHERE status = 'leased';

-- The coordinator's progress: where contiguity is counted from, and the chain head it saw.
CREATE TABLE checkpoint (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    start_block    BIGINT,
    last_seen_head BIGINT
);
INSERT INTO checkpoint (id) VALUES (1);
