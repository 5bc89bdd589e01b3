#!/bin/sh
# One-off set-up for docker-compose: keys for the hub and each node, and (for a trial run)
# generated catalogues imported into each node's database. Safe to run again.
set -eu
cd /var/lib/liancha
for who in hub identity 510500 500118 500116; do
  [ -f "keys/$who/private.pem" ] || liancha keys generate "keys/$who"
done
if [ "${LIANCHA_SETUP_GENERATE:-1}" = "1" ]; then
  [ -f data/manifest.yaml ] || liancha generate --out data --people "${LIANCHA_SETUP_PEOPLE:-2000}" --layout standard
  for code in 510500 500118 500116; do
    for file in data/$code/*.csv; do
      type=$(basename "$file" .csv)
      liancha node import --database-url "postgresql+psycopg://liancha:${POSTGRES_PASSWORD}@postgres:5432/node_$code" --type "$type" "$file"
    done
  done
fi
