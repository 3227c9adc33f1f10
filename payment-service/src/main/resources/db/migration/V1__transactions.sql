-- One charge and at most one refund per order: the order id is the idempotency key, and this
-- constraint, not application code, is what makes a second charge impossible.
create table transactions (
    id             uuid         primary key,
    order_id       uuid         not null,
    type           varchar(10)  not null,
    status         varchar(16)  not null,
    amount_minor   bigint       not null,
    currency       char(3)      not null,
    decline_reason varchar(40),
    card_brand     varchar(16),
    card_last4     varchar(4),
    created_at     timestamp with time zone not null,
    constraint transactions_one_per_order_and_type unique (order_id, type),
    constraint transactions_amount_positive check (amount_minor > 0),
    constraint transactions_type_known check (type in ('CHARGE', 'REFUND')),
    constraint transactions_status_known check (status in ('SUCCEEDED', 'DECLINED'))
);

create index transactions_newest_first on transactions (created_at desc, id);
