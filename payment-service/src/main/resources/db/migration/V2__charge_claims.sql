-- A charge is claimed (PROCESSING) before the processor is called, so that a crash or a racing
-- request finds the claim and finishes it instead of calling the processor anew. The claim keeps
-- the processor's token for the payment method, never the card number.
alter table transactions add column processor_token varchar(80);

alter table transactions drop constraint transactions_status_known;
alter table transactions add constraint transactions_status_known
    check (status in ('PROCESSING', 'SUCCEEDED', 'DECLINED'));
