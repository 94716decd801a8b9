package io.ailake.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A mutating route of an {@link Idempotent} resource whose change is one SQL statement run through
 * {@link OneStatementCalls}: its idempotency key and audit record travel in that statement, so the
 * interceptor opens no transaction and claims nothing ahead of it.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface OneStatement {}
