-- Synapse's `destinations` and `destination_rooms` on PostgreSQL, exactly as a current Synapse
-- has them, for the database source's tests and benchmarks (never applied to our own database).
--
-- Read from Synapse's schema files:
--   matrix-org/synapse @ 3dad3b0ae0d3b54c64404ae37e17e682058429c7
--     synapse/storage/schema/main/full_schemas/72/full.sql.postgres — the tables, their primary
--     keys, the destination_rooms_room_id index and both foreign keys below, verbatim;
--     synapse/storage/schema/main/delta/56/destinations_retry_interval_type.sql.postgres
--     (@ a197577f68fcfff6eb56d9f26c184d9777557109) — retry_interval INT -> BIGINT.
--   element-hq/synapse
--     synapse/storage/schema/main/delta/56/destinations_failure_ts.sql (@ a1675d35503718714c216760925ec89575304981)
--     — ADD failure_ts BIGINT (nullable);
--     synapse/storage/schema/main/delta/58/15_catchup_destination_rooms.sql (@ 2927008e48ecb6ea5d24e622d7b2fffe94c45c44)
--     — destination_rooms, PRIMARY KEY (destination, room_id), REFERENCES destinations and rooms,
--     INDEX destination_rooms_room_id (room_id);
--     synapse/storage/schema/main/delta/58/17_catchup_last_successful.sql (@ a1675d35503718714c216760925ec89575304981)
--     — ADD last_successful_stream_ordering BIGINT (nullable: NULL = nothing sent yet).
--   The deltas after full schema 72 (delta/73 … delta/93 of element-hq/synapse; SCHEMA_VERSION 87+
--   in synapse/storage/schema/__init__.py) do not touch these two tables: delta/93/
--   05_destination_room_sticky_events.sql adds a separate table, destination_room_sticky_events_backlog.
--
-- What follows from it for the source: every timing column is nullable (NULL retry_last_ts /
-- retry_interval = never failed, read as 0), all four are BIGINT (exact only as text/BigInt),
-- there is no index on retry_last_ts (a recent-failures query scans the table), and keys are
-- ordered by the database's collation, which Synapse requires to be C (docs/postgres.md:
-- LC_COLLATE='C', LC_CTYPE='C'; synapse/storage/engines/postgres.py refuses others unless
-- allow_unsafe_locale is set).
--
-- `rooms` is a stand-in: Synapse's has more columns (is_public, creator, room_version,
-- has_auth_chain_index); only its primary key matters here, so destination_rooms_room_id_fkey holds.
--
-- The statements are in pg_dump's order (tables, then keys and indexes, then foreign keys), so a
-- bulk load can run the part before the "-- constraints" line, load, and then run the rest.

CREATE TABLE rooms (
    room_id text NOT NULL
);
CREATE TABLE destinations (
    destination text NOT NULL,
    retry_last_ts bigint,
    retry_interval bigint,
    failure_ts bigint,
    last_successful_stream_ordering bigint
);
CREATE TABLE destination_rooms (
    destination text NOT NULL,
    room_id text NOT NULL,
    stream_ordering bigint NOT NULL
);

-- constraints
ALTER TABLE ONLY rooms
    ADD CONSTRAINT rooms_pkey PRIMARY KEY (room_id);
ALTER TABLE ONLY destination_rooms
    ADD CONSTRAINT destination_rooms_pkey PRIMARY KEY (destination, room_id);
ALTER TABLE ONLY destinations
    ADD CONSTRAINT destinations_pkey PRIMARY KEY (destination);
CREATE INDEX destination_rooms_room_id ON destination_rooms USING btree (room_id);
ALTER TABLE ONLY destination_rooms
    ADD CONSTRAINT destination_rooms_destination_fkey FOREIGN KEY (destination) REFERENCES destinations(destination);
ALTER TABLE ONLY destination_rooms
    ADD CONSTRAINT destination_rooms_room_id_fkey FOREIGN KEY (room_id) REFERENCES rooms(room_id);
