#!/usr/bin/env bash
# Makes sure the real parts the tests use are here and running: PostgreSQL, MariaDB and the
# Debian packages of the Django apps the tests run (django-health-check; the RDS world's
# migrations through psycopg2 / MySQLdb). `npm test` runs it first (pretest). Idempotent.
set -euo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 0.5; done
  echo "port $1 did not open" >&2; return 1
}

if ! port_open 5432; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  wait_port 5432
fi
if ! port_open 3306; then
  echo "starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_port 3306
fi
# Password tests need PostgreSQL to check passwords for their own test roles (trust for the rest).
bash "$(dirname "$0")/../local/rotate-secret/pg-password-auth.sh"
if ! /usr/bin/python3 -c 'import django, health_check, psycopg2, MySQLdb' 2>/dev/null; then
  echo "installing python3-django, python3-django-health-check, python3-psycopg2, python3-mysqldb"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || true
  apt-get install -y -qq --no-install-recommends python3-django python3-django-health-check \
    python3-psycopg2 python3-mysqldb
fi
echo "PostgreSQL :5432, MariaDB :3306, Django (health-check, psycopg2, MySQLdb): ready"
