package io.ailake.testing;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;

/**
 * Every test request carries the default organization's admin token unless the test sends its own
 * {@code Authorization} header, or asks for none with {@link #ANONYMOUS}.
 */
public class AuthenticatedRestAssured implements QuarkusTestBeforeEachCallback {

  /** A header a test sets to send no token at all. */
  public static final String ANONYMOUS = "X-Test-Anonymous";

  private static final Filter DEFAULT_TOKEN = (request, response, context) -> {
    if (request.getHeaders().hasHeaderWithName(ANONYMOUS)) {
      request.removeHeader(ANONYMOUS);
    } else if (!request.getHeaders().hasHeaderWithName("Authorization")) {
      request.header("Authorization", TestTokens.bearer(TestTokens.defaultAdmin()));
    }
    return context.next(request, response);
  };

  @Override
  public void beforeEach(QuarkusTestMethodContext context) {
    RestAssured.replaceFiltersWith(DEFAULT_TOKEN);
  }
}
