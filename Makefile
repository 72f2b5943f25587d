# The few commands a contributor needs. See README.md.

.PHONY: build test test-slow lint fmt cairo cairo-check bench demo

build:
	cargo build --release

# The test command (CI runs it): every crate, unit, integration and doc tests.
test:
	cargo test --workspace

# Slow tests (large proofs), in release mode.
test-slow:
	cargo test --workspace --release -- --ignored

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
