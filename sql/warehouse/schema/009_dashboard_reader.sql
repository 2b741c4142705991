-- fitness_reader: the role the dashboard's SQL explorer runs every query as (SET LOCAL ROLE,
-- inside a READ ONLY transaction). It may read schema `fitness` and nothing else, so PostgreSQL
-- itself refuses COPY … TO PROGRAM, server files and writes even when the dashboard logs in as
-- a superuser (a READ ONLY transaction alone allows COPY TO PROGRAM to a superuser).
-- Roles belong to the whole server: created once, by the first warehouse migrated on it, and
-- only when the warehouse's user may create roles; each database grants its own tables.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fitness_reader') THEN
        BEGIN
            CREATE ROLE fitness_reader NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- another database's migration created it meanwhile
        WHEN insufficient_privilege THEN
            RAISE NOTICE 'fitness_reader not created (the warehouse user may not create roles): '
                         'the SQL explorer runs as the logged-in user only if it has no superuser rights';
            RETURN;
        END;
    END IF;
    GRANT USAGE ON SCHEMA fitness TO fitness_reader;
    GRANT SELECT ON ALL TABLES IN SCHEMA fitness TO fitness_reader;
    ALTER DEFAULT PRIVILEGES IN SCHEMA fitness GRANT SELECT ON TABLES TO fitness_reader;
END
$$;
