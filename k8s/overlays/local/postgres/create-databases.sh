#!/bin/sh
# Runs once, when the data volume is new: one database and one role per service.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v orders_password="$ORDERS_DB_PASSWORD" -v payments_password="$PAYMENTS_DB_PASSWORD" <<'SQL'
CREATE ROLE shop_orders LOGIN PASSWORD :'orders_password';
CREATE DATABASE shop_orders OWNER shop_orders;
CREATE ROLE shop_payments LOGIN PASSWORD :'payments_password';
CREATE DATABASE shop_payments OWNER shop_payments;
SQL
