package io.ailake.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A mutating route of an {@link Idempotent} resource whose change is one SQL statement, or one short
 * transaction (a table commit's swap), run through {@link OneStatementCalls}: its idempotency key's
 * answer and audit record travel with that change, so the interceptor opens no transaction and claims
 * nothing ahead of it. A refusal the change did not keep, the interceptor keeps.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface OneStatement {}
