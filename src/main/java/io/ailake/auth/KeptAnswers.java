package io.ailake.auth;

import io.ailake.postgres.NamedSql;

/**
 * The statements on idempotency keys' answers (rows of {@code idempotency_record}), in one place. A key
 * is {@code :call_scope} (the organization, or the server admin's scope) and {@code :call_key}; a new
 * answer has {@code :call_fingerprint} and lives {@code :call_lifetime} seconds (see {@link Key}).
 */
final class KeptAnswers {

  private KeptAnswers() {}

  /** A keyed call: its key in its scope, the fingerprint of its request, how long its answer lives. */
  record Key(java.util.UUID scope, String key, String fingerprint, long lifetimeSeconds) {
    NamedSql.Parameters parameters() {
      return NamedSql.parameters().set("call_scope", scope).set("call_key", key).set("call_fingerprint", fingerprint)
          .set("call_lifetime", lifetimeSeconds);
    }
  }

  /** One row when the key has a live answer (or a live claim). */
  static final String LIVE = "SELECT 1 FROM idempotency_record"
      + " WHERE organization_id = :call_scope AND idempotency_key = :call_key AND expires_at >= now()";

  static final NamedSql IS_LIVE = NamedSql.of(LIVE);

  /**
   * Ends an INSERT of a key's row: a live key's row stays as it is (nothing inserted), an expired one is
   * replaced by the new row.
   */
  private static final String TAKE_OVER_EXPIRED = " ON CONFLICT (organization_id, idempotency_key) DO UPDATE SET"
      + " fingerprint = EXCLUDED.fingerprint, status = EXCLUDED.status, content_type = EXCLUDED.content_type,"
      + " headers = EXCLUDED.headers, body = EXCLUDED.body, expires_at = EXCLUDED.expires_at"
      + " WHERE idempotency_record.expires_at < now()";

  private static final String COLUMNS = "INSERT INTO idempotency_record (organization_id, idempotency_key,"
      + " fingerprint, status, content_type, headers, body, expires_at)";

  /**
   * A data-modifying {@code WITH} expression {@code kept (status)}: keeps the answer of the expression
   * {@code answer (status, body)} unless the key has a live one; the success answer's headers are
   * {@code :call_headers}, a JSON object.
   */
  static final String KEEP_FROM_ANSWER = " kept AS (" + COLUMNS
      + " SELECT :call_scope, :call_key, :call_fingerprint, status,"
      + " CASE WHEN body IS NULL THEN NULL ELSE 'application/json' END,"
      + " CASE WHEN status < 300 THEN CAST(:call_headers AS jsonb) ELSE CAST('{}' AS jsonb) END, body,"
      + " now() + make_interval(secs => :call_lifetime) FROM answer WHERE status IS NOT NULL"
      + TAKE_OVER_EXPIRED + " RETURNING status)";

  /**
   * A data-modifying {@code WITH} expression {@code kept (status)}: keeps the answer {@code :answer_status},
   * {@code :answer_content_type}, {@code :answer_headers} (a JSON object), {@code :answer_body} unless the
   * key has a live one.
   */
  static final String KEEP = " kept AS (" + COLUMNS + " VALUES (:call_scope, :call_key, :call_fingerprint,"
      + " :answer_status, :answer_content_type, CAST(:answer_headers AS jsonb), :answer_body,"
      + " now() + make_interval(secs => :call_lifetime))" + TAKE_OVER_EXPIRED + " RETURNING status)";

  /** Claims the key for a call whose change runs in the interceptor's transaction: a row with status 0. */
  static final NamedSql CLAIM = NamedSql.of("INSERT INTO idempotency_record (organization_id, idempotency_key,"
      + " fingerprint, status, headers, expires_at) VALUES (:call_scope, :call_key, :call_fingerprint, 0, CAST('{}' AS jsonb),"
      + " now() + make_interval(secs => :call_lifetime))" + TAKE_OVER_EXPIRED);

  /** The answer kept for the key (waiting for a call in flight that holds it). */
  static final NamedSql EARLIER = NamedSql.of("SELECT fingerprint, status, content_type, CAST(headers AS text), body"
      + " FROM idempotency_record WHERE organization_id = :call_scope AND idempotency_key = :call_key");

  /** The final answer of a claimed key, or of an unclaimed one (a refusal kept after its rollback). */
  static final String STORE = COLUMNS + " VALUES (:call_scope, :call_key, :call_fingerprint, :answer_status,"
      + " :answer_content_type, CAST(:answer_headers AS jsonb), :answer_body, now() + make_interval(secs => :call_lifetime))"
      + " ON CONFLICT (organization_id, idempotency_key) DO UPDATE SET status = EXCLUDED.status,"
      + " content_type = EXCLUDED.content_type, headers = EXCLUDED.headers, body = EXCLUDED.body"
      + " WHERE idempotency_record.fingerprint = EXCLUDED.fingerprint AND idempotency_record.status = 0";

  /** An answer's values: {@code :answer_status} and the rest. */
  static NamedSql.Parameters answer(int status, String contentType, String headersJson, String body) {
    return NamedSql.parameters().set("answer_status", status).set("answer_content_type", contentType)
        .set("answer_headers", headersJson).set("answer_body", body);
  }
}
