-- Stock: how many units of each product can be sold now, and how many were ever put in (net of
-- an admin's corrections), so that for every product at every commit
--   available + reserved by pending orders + sold to paid ones - returned by refunds = added.
-- A row of its own for each product, apart from the catalog's, as every order updates it.
-- The demo catalog's products start with a billion units each, so that the demo, the README's
-- examples and a benchmark never run out; PUT /products/{item}/stock sets another number.
create table stock (
    item      varchar(100) primary key references products (item),
    available bigint       not null constraint stock_available_not_negative check (available >= 0),
    added     bigint       not null
);

insert into stock (item, available, added)
select item, 1000000000, 1000000000 from products;

-- Whether an order took its lines' units from stock when it was stored. The version before this
-- one stores orders without (false, the default, while both run during a rolling upgrade), and
-- their units were never taken, so a failed payment or a refund of such an order puts none back.
alter table orders add column stock_reserved boolean not null default false;
