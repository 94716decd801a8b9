-- Every row carries its organization, join rows too: queries are scoped by it without a join.
ALTER TABLE warehouse_storage ADD COLUMN organization_id uuid REFERENCES organization (id);
UPDATE warehouse_storage ws SET organization_id = w.organization_id FROM warehouse w WHERE w.id = ws.warehouse_id;
ALTER TABLE warehouse_storage ALTER COLUMN organization_id SET NOT NULL;
