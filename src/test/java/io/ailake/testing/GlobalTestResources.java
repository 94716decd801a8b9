package io.ailake.testing;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/**
 * The real PostgreSQL and S3 every @QuarkusTest runs against, started once for the whole run. The
 * annotations act globally wherever they are declared; this class only carries them.
 */
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = S3ProxyResource.class, scope = TestResourceScope.GLOBAL)
public final class GlobalTestResources {

  private GlobalTestResources() {}
}
