-- The event outbox (docs/events.md): every committed change writes its events in its own transaction.
-- Readers see an event only once every transaction that began before it has ended (tx below the
-- snapshot's xmin), so paging by (tx, id) never skips an event that commits late.
CREATE TABLE event (
    id              bigserial PRIMARY KEY,
    tx              xid8 NOT NULL DEFAULT pg_current_xact_id(),
    organization_id uuid NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
    type            text NOT NULL,
    -- what it is about, as a path: databases/{name}, databases/{name}/tables/{ns.table}, operations/{id}, ...
    resource        text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    data            jsonb NOT NULL
);
CREATE INDEX event_feed ON event (organization_id, tx, id);
CREATE INDEX event_age ON event USING brin (created_at);

CREATE FUNCTION announce(organization uuid, event_type text, about text, payload jsonb) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO event (organization_id, type, resource, data) VALUES (organization, event_type, about, payload)
$$;

-- Database instances: resource events on every state change, datalake.created once ready, datalake.deleted.
CREATE FUNCTION announce_database() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r warehouse := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    about text := 'databases/' || r.name;
    payload jsonb := jsonb_build_object('kind', 'databaseInstance', 'id', r.name, 'databaseId', r.id,
        'name', r.name, 'state', upper(r.state), 'location', r.location);
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM announce(r.organization_id, 'resource.created', about, payload);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM announce(r.organization_id, 'resource.deleted', about, payload);
        PERFORM announce(r.organization_id, 'datalake.deleted', about, payload);
        RETURN NULL;
    ELSE
        PERFORM announce(r.organization_id, 'resource.updated', about, payload);
    END IF;
    IF r.state = 'ready' AND (TG_OP = 'INSERT' OR OLD.state <> 'ready') THEN
        PERFORM announce(r.organization_id, 'datalake.created', about, payload);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER warehouse_events AFTER INSERT OR DELETE ON warehouse
    FOR EACH ROW EXECUTE FUNCTION announce_database();
CREATE TRIGGER warehouse_state_events AFTER UPDATE OF state ON warehouse
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION announce_database();

-- Object storages: never their sealed secret.
CREATE FUNCTION announce_object_storage() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r object_storage := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
BEGIN
    PERFORM announce(r.organization_id,
        CASE TG_OP WHEN 'INSERT' THEN 'resource.created' WHEN 'DELETE' THEN 'resource.deleted' ELSE 'resource.updated' END,
        'objectStorages/' || r.name,
        jsonb_build_object('kind', 'objectStorage', 'id', r.name, 'name', r.name, 'type', r.storage_type,
            'root', r.root));
    RETURN NULL;
END $$;
CREATE TRIGGER object_storage_events AFTER INSERT OR UPDATE OR DELETE ON object_storage
    FOR EACH ROW EXECUTE FUNCTION announce_object_storage();

CREATE FUNCTION announce_data_source() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r data_source := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
BEGIN
    PERFORM announce(r.organization_id,
        CASE TG_OP WHEN 'INSERT' THEN 'resource.created' WHEN 'DELETE' THEN 'resource.deleted' ELSE 'resource.updated' END,
        'dataSources/' || r.data_source_id,
        jsonb_build_object('kind', 'dataSource', 'id', r.data_source_id, 'name', r.data_source_name,
            'database', (SELECT name FROM warehouse WHERE id = r.warehouse_id)));
    RETURN NULL;
END $$;
CREATE TRIGGER data_source_events AFTER INSERT OR UPDATE OR DELETE ON data_source
    FOR EACH ROW EXECUTE FUNCTION announce_data_source();

-- Pipe tables: created, deleted, and changes of state or definition (not the poller's bookkeeping).
CREATE FUNCTION announce_pipe_table() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r pipe_table := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    db_name text := (SELECT name FROM warehouse WHERE id = r.warehouse_id);
BEGIN
    PERFORM announce(r.organization_id,
        CASE TG_OP WHEN 'INSERT' THEN 'resource.created' WHEN 'DELETE' THEN 'resource.deleted' ELSE 'resource.updated' END,
        'databases/' || coalesce(db_name, r.warehouse_id::text) || '/pipeTables/' || r.table_name,
        jsonb_build_object('kind', 'pipeTable', 'id', r.table_name, 'database', db_name,
            'namespace', r.namespace, 'state', upper(r.state), 'error', r.state_detail));
    RETURN NULL;
END $$;
CREATE TRIGGER pipe_table_events AFTER INSERT OR DELETE ON pipe_table
    FOR EACH ROW EXECUTE FUNCTION announce_pipe_table();
CREATE TRIGGER pipe_table_change_events AFTER UPDATE OF state, definition ON pipe_table
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.definition IS DISTINCT FROM NEW.definition)
    EXECUTE FUNCTION announce_pipe_table();

-- Each file the pipe loader took or refused, in the transaction that records it.
CREATE FUNCTION announce_pipe_file() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    pipe pipe_table := (SELECT p FROM pipe_table p WHERE p.id = NEW.pipe_table_id);
    db_name text := (SELECT name FROM warehouse WHERE id = pipe.warehouse_id);
BEGIN
    PERFORM announce(pipe.organization_id,
        CASE NEW.state WHEN 'loaded' THEN 'pipe.file.loaded' ELSE 'pipe.file.failed' END,
        'databases/' || coalesce(db_name, pipe.warehouse_id::text) || '/pipeTables/' || pipe.table_name,
        jsonb_build_object('pipeTable', pipe.table_name, 'database', db_name, 'path', NEW.path,
            'bytes', NEW.size, 'rows', NEW.record_count, 'error', NEW.error));
    RETURN NULL;
END $$;
CREATE TRIGGER pipe_file_events AFTER INSERT ON pipe_file
    FOR EACH ROW EXECUTE FUNCTION announce_pipe_file();
CREATE TRIGGER pipe_file_state_events AFTER UPDATE OF state ON pipe_file
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION announce_pipe_file();

-- Services paused or resumed.
CREATE FUNCTION announce_service() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM announce(NEW.organization_id,
        CASE TG_OP WHEN 'INSERT' THEN 'resource.created' ELSE 'resource.updated' END,
        'services/' || NEW.service_id,
        jsonb_build_object('kind', 'service', 'id', NEW.service_id, 'paused', NEW.paused));
    RETURN NULL;
END $$;
CREATE TRIGGER service_events AFTER INSERT OR UPDATE ON service_state
    FOR EACH ROW EXECUTE FUNCTION announce_service();

-- Operations (jobs with a public id) that reached their end.
CREATE FUNCTION announce_operation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM announce(NEW.organization_id,
        CASE NEW.state WHEN 'SUCCEEDED' THEN 'operation.succeeded' ELSE 'operation.failed' END,
        'operations/' || NEW.operation_id,
        jsonb_build_object('operationId', NEW.operation_id, 'kind', NEW.kind, 'attempts', NEW.attempts,
            'result', NEW.result, 'error', NEW.error));
    RETURN NULL;
END $$;
CREATE TRIGGER operation_events AFTER UPDATE OF state ON job
    FOR EACH ROW WHEN (NEW.operation_id IS NOT NULL AND OLD.state IS DISTINCT FROM NEW.state
        AND NEW.state IN ('SUCCEEDED', 'FAILED'))
    EXECUTE FUNCTION announce_operation();

-- Syncs that ended: their commit landed (FINISHED) or they failed.
CREATE FUNCTION announce_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    db_name text := (SELECT name FROM warehouse WHERE id = NEW.warehouse_id);
BEGIN
    PERFORM announce(NEW.organization_id,
        CASE NEW.status WHEN 'FINISHED' THEN 'sync.finished' ELSE 'sync.failed' END,
        'databases/' || coalesce(db_name, NEW.warehouse_id::text) || '/syncs/' || NEW.id,
        jsonb_build_object('syncId', NEW.id, 'name', NEW.name, 'database', db_name,
            'table', NEW.namespace || '.' || NEW.table_name, 'syncType', NEW.sync_type,
            'snapshotId', NEW.snapshot_id, 'trashTag', NEW.trash_tag, 'message', NEW.message,
            'files', (SELECT count(*) FROM ingest_file f WHERE f.sync_id = NEW.id AND f.status = 'FINISHED'),
            'rows', (SELECT coalesce(sum(rows), 0) FROM ingest_file f WHERE f.sync_id = NEW.id AND f.status = 'FINISHED')));
    RETURN NULL;
END $$;
CREATE TRIGGER sync_events AFTER UPDATE OF status ON ingest_sync
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.status IN ('FINISHED', 'FAILED'))
    EXECUTE FUNCTION announce_sync();

-- Tables and views created, dropped or renamed, whichever door did it; their commits are announced by the
-- statement that swaps the pointer, which knows the snapshots (see CatalogObjects).
CREATE FUNCTION announce_catalog_object() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r catalog_object := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    db_name text := (SELECT name FROM warehouse WHERE id = r.warehouse_id);
    qualified text := replace(r.namespace, chr(31), '.') || '.' || r.name;
    payload jsonb := jsonb_build_object('database', db_name, 'namespace', replace(r.namespace, chr(31), '.'),
        'table', r.name, 'metadataLocation', r.metadata_location);
    noun text := CASE r.kind WHEN 'TABLE' THEN 'Table' ELSE 'View' END;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        payload := payload || jsonb_build_object('previous',
            replace(OLD.namespace, chr(31), '.') || '.' || OLD.name);
    END IF;
    PERFORM announce(r.organization_id,
        'datalake.' || noun || CASE TG_OP WHEN 'INSERT' THEN '.created' WHEN 'DELETE' THEN '.dropped' ELSE '.renamed' END,
        'databases/' || coalesce(db_name, r.warehouse_id::text) || '/tables/' || qualified,
        payload);
    RETURN NULL;
END $$;
CREATE TRIGGER catalog_object_events AFTER INSERT OR DELETE ON catalog_object
    FOR EACH ROW EXECUTE FUNCTION announce_catalog_object();
CREATE TRIGGER catalog_object_rename_events AFTER UPDATE OF namespace, name ON catalog_object
    FOR EACH ROW WHEN (OLD.namespace IS DISTINCT FROM NEW.namespace OR OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION announce_catalog_object();
