-- The operations list (GET /api/v1/ailake/operations) pages an organization's operations newest first:
-- the index hands out a page in order instead of sorting every job of the organization.
CREATE INDEX job_operations_newest ON job (organization_id, created_at DESC, id DESC) WHERE operation_id IS NOT NULL;
