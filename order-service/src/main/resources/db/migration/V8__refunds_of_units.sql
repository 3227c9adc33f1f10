-- A paid order is refunded in parts: each refund takes some units of its lines, at the unit prices
-- the order was placed at. A refund is REQUESTED (its units held, so that no other refund takes
-- them) in the transaction that checks what is left of the order, under its row's lock; it is
-- SUCCEEDED once payment-service has made it, in the transaction that records it on the order and
-- puts its units back in stock. One the processor will not make is deleted: its units are free
-- again. Its id is payment-service's idempotency key for it; a client's Idempotency-Key names it
-- for that client.
create table refunds (
    id              uuid         primary key,
    order_id        uuid         not null,
    caller          varchar(100),
    idempotency_key varchar(255),
    lines           varchar(16000) not null,
    amount_minor    bigint       not null check (amount_minor > 0),
    currency        char(3)      not null,
    status          varchar(16)  not null constraint refunds_status_known check (status in ('REQUESTED', 'SUCCEEDED')),
    transaction_id  uuid,
    attempts        integer      not null default 0,
    next_attempt_at timestamp with time zone,
    created_at      timestamp with time zone not null,
    updated_at      timestamp with time zone not null,
    constraint refunds_one_per_key unique (caller, idempotency_key)
);

create index refunds_of_order on refunds (order_id);
-- The recovery job's scan: requested refunds whose next attempt is due.
create index refunds_due on refunds (status, next_attempt_at);

-- The units refunded of each line so far, as lines are kept (item, quantity, unit price); null: none.
alter table orders add column refunded_lines varchar(16000);
