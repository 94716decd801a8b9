package io.ailake;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The service's own settings, documented in application.properties. */
@ConfigMapping(prefix = "ailake")
public interface AilakeConfig {

  /** Root of what the service keeps on local disk: the embedded PostgreSQL and local warehouses. */
  String dataDir();

  DefaultWarehouse warehouse();

  S3 s3();

  Iceberg iceberg();

  Jobs jobs();

  Pipe pipe();

  Rows rows();

  Ingest ingest();

  Events events();

  Logs logs();

  Webhooks webhooks();

  Http http();

  /**
   * The server-wide administrator token ({@code AILAKE_ADMIN_TOKEN}): it manages organizations and their
   * tokens, and nothing else.
   */
  Optional<String> adminToken();

  /**
   * A token of the default organization with the admin role ({@code AILAKE_BOOTSTRAP_TOKEN}), registered
   * at start, for deployments that provision their first credential from a secret store.
   */
  Optional<String> bootstrapToken();

  Auth auth();

  RateLimit rateLimit();

  Secrets secrets();

  /** Object storages declared by the deployment, registered (origin {@code config}) at every start. */
  Map<String, StorageSettings> storages();

  StorageBoundaries storage();

  Query query();

  /** The SQL query route (docs/query.md): its limits, and the engine that runs it. */
  interface Query {
    /** Where data files copied from object storage are kept for DuckDB to read. */
    String cacheDirectory();

    /** The bound of that cache: least recently used files are removed past it (a running query's files stay). */
    @WithDefault("2G")
    MemorySize cacheSize();

    /** The rows an answer holds when the request gives no maxRows. */
    @WithDefault("1000")
    int defaultMaxRows();

    /** The most rows an answer holds, whatever maxRows asks; the answer then says truncated. */
    @WithDefault("100000")
    int maxRows();

    /** How long a query runs when the request gives no timeoutMs. */
    @WithDefault("30s")
    Duration defaultTimeout();

    /** The longest timeoutMs a request may ask for. */
    @WithDefault("5m")
    Duration maxTimeout();

    /** DuckDB's memory_limit for one query; past it the query fails with a 400 that says so. */
    @WithDefault("512M")
    MemorySize memoryLimit();

    /** DuckDB's threads for one query. */
    @WithDefault("2")
    int threads();

    /** How many queries run at once on this replica; more wait for a turn (up to their timeout). */
    @WithDefault("4")
    int concurrency();

    /**
     * How many DuckDB databases, each locked down to the files of the tables it holds, are kept for the
     * next query of exactly those table versions (0: every query opens a new one).
     */
    @WithDefault("8")
    int keptEngines();

    /** The most data and delete file bytes a kept database may read; a query of more opens its own. */
    @WithDefault("64M")
    MemorySize keptEngineMaxData();

    /** How long a kept database stays unused before it is closed. */
    @WithDefault("2m")
    Duration keptEngineIdle();

    /** The largest request body the route reads (its SQL and asOf); a larger one is a 413. */
    @WithDefault("1M")
    MemorySize maxRequestSize();

    Trino trino();

    /** Trino for scale: with a url, queries of current data run on Trino instead of the embedded DuckDB. */
    interface Trino {
      /** Trino's coordinator, e.g. {@code http://trino:8080}; none: every query runs on DuckDB. */
      Optional<String> url();

      /** The catalog under which Trino sees a database of this service; {@code {database}} is the database's name. */
      @WithDefault("{database}")
      String catalog();

      /** The user Trino's queries run as. */
      @WithDefault("ailake")
      String user();
    }
  }

  /** Where storages may be, and how much of a file the service reads whole (docs/storage-boundaries.md). */
  interface StorageBoundaries {
    /**
     * The directories under which the server admin may register LOCAL storages; none by default (the
     * default warehouse's own directory is always allowed).
     */
    Optional<List<String>> localRoots();

    /** The largest metadata file or manifest list the service reads whole; a larger one is refused. */
    @WithDefault("64M")
    MemorySize maxSmallFileSize();
  }

  interface DefaultWarehouse {
    String name();

    /** A local directory, a {@code file:} URI or {@code s3://bucket/prefix}. */
    String location();
  }

  interface S3 {
    Optional<String> endpoint();

    String region();

    Optional<String> accessKeyId();

    Optional<String> secretAccessKey();

    boolean pathStyleAccess();
  }

  interface Iceberg {
    int defaultPageSize();

    int maxPageSize();

    int commitAttempts();

    /** Bound of the table metadata cache, in bytes (estimated from the metadata's JSON). */
    @WithDefault("134217728")
    long metadataCacheBytes();

    /** How long a conditional load trusts that a metadata file it found in storage is still there. */
    @WithDefault("10s")
    Duration metadataRecheck();

    /** An extra namespace separator accepted in paths and advertised to clients; %1F always works. */
    @WithDefault("%1F")
    String namespaceSeparator();
  }

  interface Jobs {
    Duration pollInterval();

    Duration lease();

    int maxAttempts();

    /**
     * This replica's name in job claims ({@code AILAKE_REPLICA_ID}; by default the host name, which a
     * Kubernetes pod keeps across container restarts): a restarted process takes back its dead
     * predecessor's claims by it.
     */
    Optional<String> replicaId();

    /** How long a shutdown waits for a running job to finish before releasing it to another replica. */
    @WithDefault("10s")
    Duration shutdownGrace();
  }

  interface Auth {
    /**
     * The OpenID Connect issuer whose JWTs are accepted as tokens ({@code AILAKE_AUTH_OIDC_ISSUER}), verified
     * by Quarkus OIDC; its keys come from the issuer's discovery document (or {@code quarkus.oidc.*} settings).
     */
    Optional<String> oidcIssuer();

    /** The claim naming the caller's organization (its name or id). */
    @WithDefault("org")
    String organizationClaim();

    /** The claim holding the caller's role: admin, manage or read. */
    @WithDefault("ailake_role")
    String roleClaim();

    /** How long an access token from the OAuth2 endpoint lives. */
    @WithDefault("1h")
    Duration accessTokenLifetime();

    /**
     * How long a replica keeps a verified token's answer before asking PostgreSQL again: the longest a
     * revocation made on another replica takes to hold here. 0 looks every token up on every request.
     */
    @WithDefault("2s")
    Duration tokenCacheTtl();

    /** How long a stored response answers a repeated idempotency key (advertised in /v1/config). */
    @WithDefault("30m")
    Duration idempotencyKeyLifetime();

    /** How often the answers of expired idempotency keys are deleted. */
    @WithDefault("5m")
    Duration idempotencyKeySweep();
  }

  /** A token bucket per token: {@code burst} requests at once, refilled at {@code requestsPerSecond}. */
  interface RateLimit {
    @WithDefault("true")
    boolean enabled();

    @WithDefault("200")
    double requestsPerSecond();

    @WithDefault("400")
    int burst();

    /** {@code memory} (per replica) or {@code postgres} (one bucket per token for every replica). */
    @WithDefault("memory")
    String store();

    /** Per organization (by name or id): other limits for its tokens. */
    Map<String, Limits> organizations();

    interface Limits {
      Optional<Double> requestsPerSecond();

      Optional<Integer> burst();
    }
  }

  interface Pipe {
    /** The namespace pipe tables are created in. */
    @WithDefault("default")
    String namespace();

    /** How often a pipe table looks for new files when its request gives no interval. */
    @WithDefault("60s")
    Duration pollingInterval();

    /** How often the loader checks which pipe tables are due. */
    @WithDefault("1s")
    Duration tick();

    /** The most files one load commits; the rest follow in the next load. */
    @WithDefault("500")
    int filesPerLoad();
  }

  /** The row routes of a table (docs/rows.md). */
  interface Rows {
    /**
     * The largest body an insert takes (JSON, NDJSON or CSV), counted as it streams in; a larger one is a
     * 413. Bodies also stay under ailake.http.max-body-bytes, which applies to every route but the uploads.
     */
    @WithDefault("10M")
    MemorySize maxBodyBytes();
  }

  /** Limits of every route. */
  interface Http {
    /**
     * The largest request body of every route but the file uploads (which take up to
     * quarkus.http.limits.max-body-size per request): a larger one is a 413 before it is read.
     */
    @WithDefault("10M")
    MemorySize maxBodyBytes();
  }

  /** File-upload syncs (docs/ingest.md). */
  /** The event outbox and its feed (docs/events.md). */
  interface Events {
    /** How often a followed feed (Server-Sent Events) and the webhook dispatcher look for new events. */
    @WithDefault("250ms")
    Duration pollInterval();

    /** How long events are kept; older ones are swept. */
    @WithDefault("7d")
    Duration retention();

    /** How often a followed feed that has nothing new sends a comment, so proxies keep it open. */
    @WithDefault("15s")
    Duration heartbeat();
  }

  /** Webhook subscriptions and their deliveries (docs/webhooks.md). */
  interface Webhooks {
    /** How long a delivery is retried (exponential backoff with jitter) before it is marked failed. */
    @WithDefault("24h")
    Duration retryFor();

    /** The wait before the second attempt; each later one waits about twice as long. */
    @WithDefault("5s")
    Duration firstRetry();

    /** The longest wait between two attempts. */
    @WithDefault("1h")
    Duration maxRetryInterval();

    /** After this many deliveries in a row failed for good, the subscription is disabled. */
    @WithDefault("5")
    int disableAfter();

    /** How long one attempt may take, from connecting to the end of the answer. */
    @WithDefault("10s")
    Duration timeout();

    /** Subscriptions this replica delivers at once (each in order, one event after another). */
    @WithDefault("16")
    int concurrency();

    /** How long a replica holds a subscription it delivers; another takes it when the holder died. */
    @WithDefault("30s")
    Duration lease();

    /**
     * Networks (CIDRs) a webhook URL may reach although they are private, loopback or link-local: for tests and
     * private deployments. None by default: such URLs are refused.
     */
    Optional<List<String>> allowedNetworks();
  }

  interface Ingest {
    /** The largest file one upload part may hold; a larger one fails alone (its history says so). */
    @WithDefault("10G")
    MemorySize maxFileBytes();

    /** How long a sync may stay open; past it the sweep aborts it and deletes its files. */
    @WithDefault("24h")
    Duration syncTimeout();

    /** How long a FULL sync's {@code trash-<syncId>} tag keeps the table's previous contents reachable. */
    @WithDefault("7d")
    Duration trashRetention();

    /** How often each replica looks for expired syncs. */
    @WithDefault("1m")
    Duration sweepInterval();
  }

  /** The logs of operations, pipe tables, syncs and database instances (docs/logs.md). */
  interface Logs {
    /** How long a log line is kept; a sweep deletes older ones. */
    @WithDefault("14d")
    Duration retention();

    /** How often each replica deletes the lines past the retention. */
    @WithDefault("10m")
    Duration sweepInterval();

    /** How often a follower's stream looks for new lines. */
    @WithDefault("1s")
    Duration followPollInterval();

    /** The longest a follower's stream stays open; the client follows again from the last line it got. */
    @WithDefault("1h")
    Duration followMaxDuration();
  }

  interface Secrets {
    /**
     * Base64 of the 32-byte AES key that seals storage credentials. Without it the service keeps a
     * generated key in {@code <data-dir>/secret.key}, which only suits a single replica.
     */
    Optional<String> key();
  }

  /** One {@code ailake.storages."<name>"} entry; the same rules apply as to the admin API. */
  interface StorageSettings {
    /** S3, MINIO or LOCAL. */
    String type();

    /** {@code s3://bucket[/prefix]}, or an absolute directory / {@code file:} URI for LOCAL. */
    String root();

    Optional<String> endpoint();

    Optional<String> region();

    Optional<Boolean> pathStyle();

    Optional<String> accessKeyId();

    Optional<String> secretAccessKey();
  }
}
