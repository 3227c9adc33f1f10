-- A charge can be refunded in parts, each refund its own transaction under its own key. request_key
-- is that key: the refund's id for a refund of a part, and 0 for a charge (one per order, as
-- before) and for a refund of the whole rest asked without an id (once per order, as before).
-- Both versions' inserts meet on (order_id, type, request_key) while they run side by side: the
-- version before this one leaves request_key to its default, 0.
alter table transactions add column request_key uuid default '00000000-0000-0000-0000-000000000000' not null;

alter table transactions drop constraint transactions_one_per_order_and_type;
alter table transactions add constraint transactions_one_per_request unique (order_id, type, request_key);
alter table transactions add constraint transactions_one_charge_per_order
    check (type <> 'CHARGE' or request_key = '00000000-0000-0000-0000-000000000000');

-- What a charge's refunds have taken of it, claimed in the refund's own transaction before the
-- processor is asked: the database, not a check made before the write, keeps the refunds of an
-- order from adding up to more than its charge.
alter table transactions add column refunded_minor bigint default 0 not null;

update transactions
set refunded_minor = (select coalesce(sum(r.amount_minor), 0) from transactions r
                      where r.order_id = transactions.order_id and r.type = 'REFUND' and r.status = 'SUCCEEDED')
where type = 'CHARGE';

alter table transactions add constraint transactions_refunds_within_charge
    check (refunded_minor >= 0 and refunded_minor <= amount_minor);
