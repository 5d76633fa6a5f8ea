#!/usr/bin/env bash
# The local PostgreSQL trusts every login from 127.0.0.1, so a wrong password would still log in
# and rotation tests could not fail. This adds ONE pg_hba rule, before the trust rules, that
# requires a password (scram-sha-256) only for members of the role `rot_password_auth` — the
# rotateSecret test users — and reloads. Every other user keeps trust auth. Idempotent.
set -euo pipefail
PSQL=(psql -h 127.0.0.1 -U postgres -d postgres -tAq)
"${PSQL[@]}" -c "DO \$\$ BEGIN CREATE ROLE rot_password_auth NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$"
hba="$("${PSQL[@]}" -c 'SHOW hba_file')"
rule='host all +rot_password_auth 127.0.0.1/32 scram-sha-256'
if ! grep -qF "$rule" "$hba"; then
  { echo "# rotateSecret tests: password auth for members of rot_password_auth only"; echo "$rule"; cat "$hba"; } >"$hba.new"
  chown --reference="$hba" "$hba.new"; chmod --reference="$hba" "$hba.new"
  mv "$hba.new" "$hba"
  "${PSQL[@]}" -c 'SELECT pg_reload_conf()' >/dev/null
fi
echo "pg_hba: $rule"
