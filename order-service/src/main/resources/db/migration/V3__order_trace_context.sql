-- The W3C traceparent of the request that placed an order, so that the recovery job's later
-- work on it joins the same trace.
alter table orders add column trace_parent varchar(55);
