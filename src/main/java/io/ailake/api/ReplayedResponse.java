package io.ailake.api;

import jakarta.ws.rs.core.Response;

/**
 * Ends a request with a response decided before its route ran: the stored answer to a repeated
 * idempotency key, the refusal of a key reused for another request, or AuthFilter's refusal of the seed's
 * body api_key. Both API families send it as is.
 */
public class ReplayedResponse extends RuntimeException {

  private final transient Response response;

  public ReplayedResponse(Response response) {
    super(null, null, false, false);
    this.response = response;
  }

  public Response response() {
    return response;
  }
}
