create table things (id int primary key, name varchar(20) not null);
