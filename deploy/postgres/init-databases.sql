-- Run once by the postgres image on an empty data volume (docker-entrypoint-initdb.d):
-- one database and one login role per service, so no service can read another's tables.
CREATE ROLE auth_service LOGIN PASSWORD 'auth_service';
CREATE DATABASE auth_service OWNER auth_service;
CREATE ROLE invoice_service LOGIN PASSWORD 'invoice_service';
CREATE DATABASE invoice_service OWNER invoice_service;
CREATE ROLE payment_service LOGIN PASSWORD 'payment_service';
CREATE DATABASE payment_service OWNER payment_service;
CREATE ROLE notification_service LOGIN PASSWORD 'notification_service';
CREATE DATABASE notification_service OWNER notification_service;
