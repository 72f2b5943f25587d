# The few commands a contributor needs. See README.md.

.PHONY: bench-cluster check-layers build wasm-target test test-browser test-clients test-corpus test-slow test-e2e test-starknet-devnet test-cluster regenerate-fixtures lint fmt cairo cairo-check bench

build: wasm-target
	cargo build --release

# The test command (CI runs it): every crate, unit, integration and doc tests. `cargo fetch`
# first: tests that find the cairo-lang-starknet crate's test classes run `cargo metadata
# --offline`, which needs every package of Cargo.lock, other platforms' included.
test: wasm-target
	cargo fetch --locked
	cargo test --workspace

# The block pages' verifier is built for the browser (crates/api/build.rs needs the target).
wasm-target:
	rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true

# The status page and the in-browser verifier, in headless Chromium (installs Chromium with apt
# and playwright-core with npm when missing; CI runs it after `make test`).
test-browser:
	scripts/browser-test.sh

# The clients Starknet developers use, scripted against the devnet: starknet.js 10 (npm ci in
# tests/clients/starknet-js) and starknet.py 0.30 (a venv in tests/clients/starknet-py); CI runs
# it after `make test`. starknet-rs's session is part of `make test`
# (crates/sequencer/tests/sierra.rs).
test-clients:
	scripts/client-sessions.sh

# The prover's corpus: every program of crates/cairo-air/programs compiled by cairo-lang, run by
# cairo-lang's reference VM (cairo-run) and proven and verified by watcher-prover, whose output
# must equal cairo-run's (small inputs, test security; CI runs it after `make test`).
# `scripts/corpus.sh --large` is its bench: bigger inputs at standard security.
test-corpus:
	scripts/corpus.sh

# The #[ignore]d measurements, in release mode (today the executor's transfers per second).
# Not the golden-proof regenerator (it rewrites fixtures: `make regenerate-fixtures`) nor the
# crash-recovery test's child process (spawned by its parent test, which `make test` runs).
test-slow:
	cargo test --workspace --release -- --ignored --skip regenerate --skip crash_child

# End-to-end tests only (also part of `make test`, except the two below): the pipeline against
# a real devnet over loopback, with the query API, the light client and the OS prover; and the
# binary killed with SIGKILL while proving, then restarted. Then the cluster, and the watcher
# following starknet-devnet.
test-e2e:
	cargo test -p watcher
	cargo test -p cli --test service
	cargo test -p proof-store --test pg_queue
	$(MAKE) test-cluster
	$(MAKE) test-starknet-devnet

# The watcher following starknet-devnet 0.10.1 (installed by the script into .cache/, or the
# binary named by STARKNET_DEVNET), driven by starknet-rs (crates/watcher/tests/starknet_devnet.rs)
# and by starknet.py through the binaries with light-verify (tests/tests/starknet_devnet.rs).
# Not in CI.
test-starknet-devnet:
	scripts/starknet-devnet.sh

# The prover cluster through the real binaries (tests/, the e2e crate): devnets, PostgreSQL
# (Debian's `postgresql`: initdb and pg_ctl on a temp dir), an S3 server, coordinators and
# workers through a SIGKILL, an S3 outage, a PostgreSQL restart with a leader takeover, and a
# reorg; the light client checks the proofs. Minutes of proving: #[ignore]d.
test-cluster:
	cargo test -p cli --no-run
	cargo test -p e2e --test cluster -- --ignored --test-threads 1 --skip scaling

# Rewrites the golden proofs in crates/cairo-air/tests/fixtures, after an intended change of
# the proof format or protocol (review the diff: every other change must leave them as they are).
regenerate-fixtures:
	cargo test -p cairo-air --test verifier -- --ignored regenerate

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

fmt:
	cargo fmt --all

# Recompile the Cairo sources with cairo-lang (installed into .venv/ on first use).
cairo:
	scripts/cairo-lang.sh compile

cairo-check:
	scripts/cairo-lang.sh check

# Criterion benches of the prover (see benches/RESULTS.md).
bench:
	cargo bench -p cairo-air --bench prover

# Layering rules (no upward dependency; the light client without cairo-vm, tokio or the prover).
check-layers:
	scripts/check-layers.sh

# Blocks per minute of 1, 2 and 4 worker processes on one backlog of 40 blocks, and the
# coordinator's time per block (benches/RESULTS.md). WATCHER_PROVER_SCALING_SECURITY=standard
# for standard proofs (default: test).
bench-cluster:
	cargo test -p cli --no-run
	cargo test -p e2e --test cluster -- --ignored --nocapture scaling
