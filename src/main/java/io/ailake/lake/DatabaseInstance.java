package io.ailake.lake;

import java.util.List;

/**
 * The wire form of a database instance: an Iceberg warehouse of the catalog, with the storages it may
 * use, its data sources and its state ({@code provisioning}, {@code ready}, {@code deleting}, {@code
 * failed}).
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
@org.eclipse.microprofile.openapi.annotations.media.Schema(name = "DatabaseInstance", requiredProperties = {"id", "name", "storageIds", "dataSources", "state"}, example = """
    {"id": "3f0c6a52-8d3e-4c1e-9a57-2f4b1c9e7d10", "name": "sales", "storageIds":
    ["0b6d2f64-1e0a-4e8b-8a0e-5c1b2d3e4f50"], "dataSources": [{"id": "8e3f7c1a-2b4d-4e6f-9a1b-3c5d7e9f1a2b",
    "dataSourceId": "sales", "dataSourceName": "sales"}], "state": "ready"}""")
public record DatabaseInstance(
    String id,
    String name,
    List<String> storageIds,
    List<DataSource.Info> dataSources,
    String state,
    String stateDetail) {}
