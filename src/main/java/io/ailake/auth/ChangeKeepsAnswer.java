package io.ailake.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A mutating route of an {@link Idempotent} resource whose change keeps the call's answer and audit
 * record itself, through {@link CallRecords}: in its one statement, or in the transaction of its table
 * commit. The interceptor then opens no transaction and claims nothing ahead of the change, so no
 * PostgreSQL transaction is held while the route works. A refusal, or a success that changed nothing,
 * the change did not keep, the interceptor keeps.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface ChangeKeepsAnswer {}
