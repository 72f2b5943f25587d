#!/usr/bin/env bash
# Writes deploy/.env (git-ignored) with the credentials docker-compose.yml reads: the MinIO user
# name and a random 32-byte secret, and the cluster's PostgreSQL password, made on this machine.
# Keeps what an existing file holds.
set -euo pipefail
env_file="$(dirname "$0")/.env"
umask 077
random() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
if [ -e "$env_file" ]; then
    echo "$env_file exists; keeping it"
else
    printf 'MINIO_ROOT_USER=watcher\nMINIO_ROOT_PASSWORD=%s\n' "$(random)" > "$env_file"
    echo "wrote $env_file"
fi
# The prover cluster's PostgreSQL (profile `cluster`), added to a file made before it existed.
if ! grep -q '^POSTGRES_PASSWORD=' "$env_file"; then
    printf 'POSTGRES_PASSWORD=%s\n' "$(random)" >> "$env_file"
    echo "added POSTGRES_PASSWORD to $env_file"
fi
