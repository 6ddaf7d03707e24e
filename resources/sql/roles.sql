-- 協働デスク: roles for several desks sharing one PostgreSQL database (least privilege).
--
--   owner role (kyodo_owner): owns the database and its schema; the ONLY role that runs
--                             `kyodo-desk db upgrade` / `kyodo-desk db copy` (migrations, DDL).
--   desk role  (kyodo_desk):  what every desk connects as: SELECT / INSERT / UPDATE / DELETE on the
--                             tables, USAGE on the sequences (new ids), EXECUTE on the functions
--                             (search); no CREATE, ALTER, DROP or TRUNCATE.
--
-- Run as a superuser (postgres) with psql, from any database:
--
--   psql -U postgres -v dbname=kyodo -v owner=kyodo_owner -v desk=kyodo_desk -f roles.sql
--
-- The three -v values are optional (these are the defaults).  Running it again is harmless; run it
-- again after a restore that changed owners.  Then give both roles a password (psql: \password kyodo_owner,
-- \password kyodo_desk) and allow them in pg_hba.conf (scram-sha-256) from the desks' network only.

\set ON_ERROR_STOP on
\if :{?dbname}
\else
  \set dbname kyodo
\endif
\if :{?owner}
\else
  \set owner kyodo_owner
\endif
\if :{?desk}
\else
  \set desk kyodo_desk
\endif

-- the two roles (LOGIN, nothing else: not superuser, no CREATEDB, no CREATEROLE)
SELECT format('CREATE ROLE %I LOGIN', :'owner')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'desk')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'desk') \gexec

-- the database, owned by the owner role (so it may add the pg_trgm extension the search needs)
SELECT format('CREATE DATABASE %I OWNER %I ENCODING ''UTF8'' TEMPLATE template0', :'dbname', :'owner')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'dbname') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'dbname') \gexec
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', :'dbname', :'desk') \gexec

\connect :"dbname"

-- the schema: the owner role owns it and alone may create in it
ALTER SCHEMA public OWNER TO :"owner";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"desk";

-- what the migrations (run as the owner role) will create: rows, ids and search for the desk role
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"desk";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO :"desk";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
  GRANT EXECUTE ON FUNCTIONS TO :"desk";

-- what is already there (running this file again after `db copy` / `db upgrade`)
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"desk";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"desk";
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO :"desk";
