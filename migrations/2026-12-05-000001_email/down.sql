DROP TABLE outbox;
DROP TABLE inbound_mail;
