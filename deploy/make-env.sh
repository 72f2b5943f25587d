#!/usr/bin/env bash
# Writes deploy/.env (git-ignored) with the MinIO credentials docker-compose.yml reads: a user
# name and a random 32-byte secret, made on this machine. Keeps an existing file.
set -euo pipefail
env_file="$(dirname "$0")/.env"
if [ -e "$env_file" ]; then
    echo "$env_file exists; keeping it"
    exit 0
fi
umask 077
secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf 'MINIO_ROOT_USER=watcher\nMINIO_ROOT_PASSWORD=%s\n' "$secret" > "$env_file"
echo "wrote $env_file"
