-- An order holds one or more lines: item, quantity and the unit price it was placed at, as a JSON
-- array in the order's own row (shop.orders.order.OrderLine says why). Every order placed before
-- is an order of one line. item, quantity and unit_price_minor stay, holding the first line, for
-- the version before this one while both run during a rolling upgrade; lines stays nullable for
-- the same reason (that version inserts without it, and its orders are read as one line).
alter table orders add column lines varchar(16000);

update orders
set lines = '[{"item":"' || item || '","quantity":' || cast(quantity as varchar(12))
            || ',"unitPriceMinor":' || cast(unit_price_minor as varchar(20)) || '}]';
