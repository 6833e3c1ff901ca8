-- One database for the four services; one role and one schema per service. The role owns its
-- schema and nothing else, so a service can read and write only its own tables.
-- Run as the PostgreSQL superuser with psql variables: admin_password, service_password.
SELECT 'CREATE DATABASE support' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'support')\gexec

\connect support

SELECT format('CREATE ROLE support_admin LOGIN SUPERUSER PASSWORD %L', :'admin_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'support_admin')\gexec

SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', name, :'service_password')
FROM unnest(ARRAY['identity', 'boleta', 'approval', 'mail']) AS name
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = name)\gexec

SELECT format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', name, name)
FROM unnest(ARRAY['identity', 'boleta', 'approval', 'mail']) AS name\gexec

REVOKE ALL ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON DATABASE support FROM PUBLIC;
GRANT CONNECT ON DATABASE support TO identity, boleta, approval, mail;
