create table products (
    item        varchar(100) primary key,
    name        varchar(200) not null,
    price_minor bigint       not null check (price_minor > 0),
    currency    char(3)      not null
);

insert into products (item, name, price_minor, currency) values
    ('t-shirt', 'T-shirt', 10000, 'USD'),
    ('hoodie',  'Hoodie',   4500, 'USD'),
    ('mug',     'Mug',      1250, 'USD'),
    ('cap',     'Cap',      2000, 'USD'),
    ('sticker', 'Sticker',   300, 'USD');

-- An order is stored PENDING before payment-service is called, and then moves on exactly once.
-- No payment method is stored here: only what payment-service reports back (brand, last four).
create table orders (
    id                     uuid         primary key,
    customer               varchar(100) not null,
    item                   varchar(100) not null references products (item),
    quantity               integer      not null check (quantity > 0),
    unit_price_minor       bigint       not null check (unit_price_minor > 0),
    amount_minor           bigint       not null check (amount_minor > 0),
    currency               char(3)      not null,
    status                 varchar(16)  not null
        check (status in ('PENDING', 'PAID', 'PAYMENT_FAILED', 'REFUNDED')),
    default_payment_method boolean      not null,
    charge_id              uuid,
    decline_reason         varchar(40),
    card_brand             varchar(16),
    card_last4             varchar(4),
    refund_id              uuid,
    payment_attempts       integer      not null default 0,
    next_attempt_at        timestamp with time zone,
    created_at             timestamp with time zone not null,
    updated_at             timestamp with time zone not null
);

-- A customer's orders of one status, newest first (GET /orders), and everyone's for admins.
create index orders_by_customer on orders (customer, status, created_at desc);
create index orders_by_status on orders (status, created_at desc);
-- The recovery job's scan: pending orders whose next attempt is due.
create index orders_due_for_retry on orders (status, next_attempt_at);

create table idempotency_keys (
    caller              varchar(100) not null,
    idempotency_key     varchar(255) not null,
    request_fingerprint char(64)     not null,
    order_id            uuid         not null references orders (id),
    created_at          timestamp with time zone not null,
    primary key (caller, idempotency_key)
);
