-- Keys are written in the order they expire (now + one lifetime), so a block-range index finds the
-- expired ones for the sweep at almost no cost per insert, where a B-tree took an entry on every
-- mutating call.
DROP INDEX idempotency_record_expiry;
CREATE INDEX idempotency_record_expiry ON idempotency_record USING brin (expires_at);
