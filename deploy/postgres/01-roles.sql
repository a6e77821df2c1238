-- Run once per installation as a PostgreSQL superuser (psql), BEFORE the first migrate:
--   psql -v owner_role=cc_owner -v app_role=cc_app -v db=cc \
--        -v owner_password="'…'" -v app_password="'…'" -f deploy/postgres/01-roles.sql
-- cc_owner owns the database objects and runs `manage.py migrate`; cc_app is what gunicorn,
-- the Celery worker and beat connect as. Neither is a superuser, so neither can set
-- session_replication_role; cc_app owns nothing, so it cannot TRUNCATE, ALTER or
-- DISABLE TRIGGER on any table (docs/deployment.md, "Database roles").
CREATE ROLE :"owner_role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :owner_password;
CREATE ROLE :"app_role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT PASSWORD :app_password;
ALTER DATABASE :"db" OWNER TO :"owner_role";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"app_role";
