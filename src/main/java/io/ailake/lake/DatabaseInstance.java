package io.ailake.lake;

import java.util.List;

/**
 * The wire form of a database instance: an Iceberg warehouse of the catalog, with the storages it may
 * use, its data sources and its state ({@code provisioning}, {@code ready}, {@code deleting}, {@code
 * failed}).
 */
public record DatabaseInstance(
    String id,
    String name,
    List<String> storageIds,
    List<DataSource.Info> dataSources,
    String state,
    String stateDetail) {}
