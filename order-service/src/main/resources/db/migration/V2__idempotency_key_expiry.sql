-- Idempotency keys expire after a retention period; the purge finds them by age.
create index idempotency_keys_by_age on idempotency_keys (created_at);
