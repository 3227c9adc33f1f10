-- A pending order's payment method, sealed (AES-256-GCM under order-service's own key, bound to
-- the order's id) so that the recovery job can finish its charge after any crash. Never the clear
-- card number; erased by the statement that records the payment's outcome, or as soon as
-- payment-service holds the charge. Nullable, so the version before this one keeps working.
alter table orders add column payment_method_sealed varchar(255);
