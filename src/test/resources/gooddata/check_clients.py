"""Calls every AI Lake list and single GET through a generated GoodData-shaped Python client and checks values.

Usage: check_clients.py <v2|v3> <directory of the generated package> <facts.json>
facts.json (written by GoodDataClientsTest) holds the server's address, a token and what the server holds.
Prints one JSON object: {"client", "calls", "passed", "failed", "failures": [...]}.
"""
import importlib
import json
import os
import re
import sys
import traceback

shape, package_dir, facts_file = sys.argv[1], sys.argv[2], sys.argv[3]
package = "gd_" + shape


def sanitize_self_argument():
    """The stock 6.x python-prior model_utils names its wrapper's first argument `_self`, the same Python
    name it gives a property called `self` (JsonApiListLinks.self), so every model with links fails with
    "got multiple values for argument '_self'". GoodData's client renames that argument in its own
    templates (`_self_sanitized`); this does the same rename on the generated file."""
    path = os.path.join(package_dir, package, "model_utils.py")
    with open(path) as f:
        text = f.read()
    start = text.index("def convert_js_args_to_python_args")
    end = text.index("return wrapped_init", start)
    text = text[:start] + re.sub(r"\b_self\b", "_self_sanitized", text[start:end]) + text[end:]
    with open(path, "w") as f:
        f.write(text)


def widen_one_of_enums():
    """The stock generator flattens a oneOf's members into the parent model but keeps only the last
    member's enum for a shared property: V3's keyConfig (oneOf aggregate|duplicate|primary|unique, each a
    single-value `type` enum) then accepts only "unique". GoodData's client widens that check to the union
    of the members' values in its own model_utils; this does the same on the generated classes."""
    model_utils = importlib.import_module(package + ".model_utils")
    models = importlib.import_module(package + ".models")
    for model in vars(models).values():
        if isinstance(model, type) and issubclass(model, model_utils.ModelComposed):
            widened = dict(model.allowed_values)
            for member in model._composed_schemas.get("oneOf", ()):
                for key, values in getattr(member, "allowed_values", {}).items():
                    widened[key] = {**widened.get(key, {}), **values}
            model.allowed_values = widened


sanitize_self_argument()
sys.path.insert(0, package_dir)
client_module = importlib.import_module(package)
api_module = importlib.import_module(package + ".api.ai_lake_api")
widen_one_of_enums()

with open(facts_file) as f:
    facts = json.load(f)

configuration = client_module.Configuration(host=facts["host"])
api_client = client_module.ApiClient(configuration, header_name="Authorization", header_value=facts["authorization"])
api = api_module.AILakeApi(api_client)

calls = 0
results = []


def call(method, *args, **kwargs):
    global calls
    calls += 1
    return getattr(api, method)(*args, **kwargs)


def check(name, body):
    try:
        body()
        results.append((name, None))
    except Exception:  # a refusal of the client (a type or a required field) is a failure to report
        results.append((name, traceback.format_exc(limit=3)))


def equal(actual, expected, what):
    if actual != expected:
        raise AssertionError("%s: expected %r, got %r" % (what, expected, actual))


databases = facts["databases"]          # names, in the server's order (by name)
database = facts["database"]            # the one with the pipe tables and two data sources
services = facts["services"]


def v2():
    def all_databases():
        listed = call("list_ai_lake_database_instances")
        equal([d.name for d in listed.databases], databases, "databases")
        equal("total_count" in listed, False, "totalCount without metaInclude")
        equal(listed.databases[0].id, facts["databaseIds"][databases[0]], "id")

    def offset_page():
        listed = call("list_ai_lake_database_instances", size=2, offset=2, meta_include=["page"])
        equal([d.name for d in listed.databases], databases[2:4], "second page by offset")
        equal(listed.total_count, len(databases), "totalCount")

    def one_database():
        got = call("get_ai_lake_database_instance", database)
        equal(got.name, database, "name")
        equal(got.id, facts["databaseIds"][database], "id")
        equal(list(got.storage_ids), [facts["storageIds"][0]], "storageIds")
        equal(sorted(s.data_source_id for s in got.data_sources), sorted(facts["dataSources"]), "dataSources")

    def data_sources():
        listed = call("list_ai_lake_database_data_sources", database)
        equal([s.data_source_id for s in listed.data_sources], facts["dataSources"], "dataSources")

    def storages():
        listed = call("list_ai_lake_object_storages")
        equal([s.name for s in listed.storages], facts["storages"], "storages")
        equal(listed.storages[0].storage_config["bucket"], facts["bucket"], "storageConfig.bucket")

    def pipe_tables():
        listed = call("list_ai_lake_pipe_tables", database)
        equal([t.table_name for t in listed.pipe_tables], facts["pipeTables"], "pipeTables")
        equal([c.name for c in listed.pipe_tables[0].columns][:3], ["id", "customer", "amount"], "columns")

    def keyed_pipe_table():
        got = call("get_ai_lake_pipe_table", database, "orders")
        equal(got.table_name, "orders", "tableName")
        equal(got.database_name, database, "databaseName")
        equal(type(got.key_config).__name__, "PrimaryKeyConfig", "keyConfig class")
        equal(list(got.key_config.columns), ["id"], "keyConfig.columns")
        equal(type(got.distribution_config).__name__, "RandomDistributionConfig", "distributionConfig class")
        equal(list(got.partition_columns), ["year"], "partitionColumns")

    def partitioned_pipe_table():
        got = call("get_ai_lake_pipe_table", database, "refunds")
        equal(type(got.partition_config).__name__, "ColumnPartitionConfig", "partitionConfig class")
        equal(list(got.partition_config.columns), ["year"], "partitionConfig.columns")
        equal(type(got.distribution_config).__name__, "HashDistributionConfig", "distributionConfig class")

    def all_services():
        listed = call("list_ai_lake_services")
        equal([s.name for s in listed.services], services, "services")

    def service_page():
        listed = call("list_ai_lake_services", size=1, offset=1, meta_include=["page"])
        equal([s.name for s in listed.services], services[1:2], "second service by offset")
        equal(listed.total_count, len(services), "totalCount")

    return [all_databases, offset_page, one_database, data_sources, storages, pipe_tables, keyed_pipe_table,
            partitioned_pipe_table, all_services, service_page]


def v3():
    def names(listed):
        return [item.attributes.name for item in listed.data]

    def all_databases():
        listed = call("list_ai_lake_database_instances")
        equal(names(listed), databases, "databases")
        first = listed.data[0]
        equal((first.type, first.id), ("databaseInstance", first.attributes.id), "item type and id")
        # the generated client names the property `self` `_self` in Python
        equal(listed.links._self, "/api/v1/ailake/database/instances", "links.self")
        equal((listed.meta.page.number, listed.meta.page.size), (0, 50), "meta.page")
        equal("total_elements" in listed.meta.page, False, "totals without metaInclude")

    def second_page():
        listed = call("list_ai_lake_database_instances", page=1, size=2, meta_include=["page"])
        equal(names(listed), databases[2:4], "page=1 is the second page")
        page = listed.meta.page
        equal((page.number, page.size, page.total_elements, page.total_pages),
              (1, 2, len(databases), (len(databases) + 1) // 2), "meta.page")
        equal(listed.links._self, "/api/v1/ailake/database/instances?page=1&size=2&metaInclude=page", "links.self")

    def one_database():
        got = call("get_ai_lake_database_instance", database)
        equal((got.data.type, got.data.id), ("databaseInstance", facts["databaseIds"][database]), "data")
        equal(got.data.attributes.name, database, "attributes.name")
        equal(list(got.data.attributes.storage_ids), [facts["storageIds"][0]], "attributes.storageIds")
        equal(got.links._self, "/api/v1/ailake/database/instances/" + database, "links.self")

    def data_sources():
        listed = call("list_ai_lake_database_data_sources", database)
        equal([i.attributes.data_source_id for i in listed.data], facts["dataSources"], "dataSources")
        equal({i.type for i in listed.data}, {"dataSource"}, "type")

    def data_source_page():
        listed = call("list_ai_lake_database_data_sources", database, page=1, size=1, meta_include=["page"])
        equal([i.attributes.data_source_id for i in listed.data], facts["dataSources"][1:2], "second data source")
        equal(listed.meta.page.total_elements, len(facts["dataSources"]), "totalElements")

    def storages():
        listed = call("list_ai_lake_object_storages")
        equal(names(listed), facts["storages"], "storages")
        equal(listed.data[0].id, listed.data[0].attributes.storage_id, "id = storageId")
        equal(listed.data[0].type, "objectStorage", "type")

    def storage_page():
        listed = call("list_ai_lake_object_storages", page=1, size=1, meta_include=["page"])
        equal(names(listed), facts["storages"][1:2], "second storage")
        equal(listed.meta.page.total_pages, len(facts["storages"]), "totalPages")

    def pipe_tables():
        listed = call("list_ai_lake_pipe_tables", database)
        equal([i.attributes.table_name for i in listed.data], facts["pipeTables"], "pipeTables")
        equal(listed.data[0].id, listed.data[0].attributes.pipe_table_id, "id = pipeTableId")
        equal(listed.data[0].type, "pipeTable", "type")

    def pipe_table_page():
        listed = call("list_ai_lake_pipe_tables", database, page=1, size=1)
        equal([i.attributes.table_name for i in listed.data], facts["pipeTables"][1:2], "second pipe table")

    def keyed_pipe_table():
        got = call("get_ai_lake_pipe_table", database, "orders")
        table = got.data.attributes
        equal((got.data.type, got.data.id), ("pipeTable", table.pipe_table_id), "data")
        equal(table.key_config.type, "primary", "keyConfig.type")
        equal(list(table.key_config.columns), ["id"], "keyConfig.columns")
        equal(table.distribution_config.type, "random", "distributionConfig.type")
        equal(list(table.partition_columns), ["year"], "partitionColumns")

    def partitioned_pipe_table():
        got = call("get_ai_lake_pipe_table", database, "refunds")
        table = got.data.attributes
        equal((table.partition_config.type, list(table.partition_config.columns)), ("column", ["year"]),
              "partitionConfig")
        equal(table.distribution_config.type, "hash", "distributionConfig.type")

    def all_services():
        listed = call("list_ai_lake_services")
        equal(names(listed), services, "services")
        equal(listed.data[0].id, listed.data[0].attributes.service_id, "id = serviceId")

    def service_page():
        listed = call("list_ai_lake_services", page=1, size=1, meta_include=["page"])
        equal(names(listed), services[1:2], "second service")
        equal(listed.meta.page.total_elements, len(services), "totalElements")

    return [all_databases, second_page, one_database, data_sources, data_source_page, storages, storage_page,
            pipe_tables, pipe_table_page, keyed_pipe_table, partitioned_pipe_table, all_services, service_page]


def shared():
    def service_status():
        got = call("get_ai_lake_service_status", facts["serviceIds"][0])
        status = got.status.to_dict() if hasattr(got.status, "to_dict") else got.status
        equal("commands" in status, True, "status names the service's commands")

    def operation():
        got = call("get_ai_lake_operation", facts["operationId"])
        equal((got.id, got.kind, got.status), (facts["operationId"], "create-pipe-table", "succeeded"), "operation")

    return [service_status, operation]


for test in (v2() if shape == "v2" else v3()) + shared():
    check(test.__name__, test)

failures = [{"check": name, "error": error} for name, error in results if error]
print(json.dumps({"client": shape, "calls": calls, "passed": len(results) - len(failures),
                  "failed": len(failures), "failures": failures}))
