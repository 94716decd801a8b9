package io.ailake.testing;

import io.quarkus.runtime.Quarkus;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Routes for the graceful-shutdown test only (enabled by its profile): a request that takes its time,
 * how many of those are in flight, and an exit as a SIGTERM causes it.
 */
@Path("/test/shutdown")
public class ShutdownProbeResource {

  private static final AtomicInteger IN_FLIGHT = new AtomicInteger();

  @ConfigProperty(name = "shutdown-probe.enabled", defaultValue = "false")
  boolean enabled;

  @GET
  @Path("/slow")
  public String slow(@QueryParam("millis") long millis) throws InterruptedException {
    enabledOrNotFound();
    IN_FLIGHT.incrementAndGet();
    try {
      Thread.sleep(millis);
      return "finished";
    } finally {
      IN_FLIGHT.decrementAndGet();
    }
  }

  @GET
  @Path("/in-flight")
  public int inFlight() {
    enabledOrNotFound();
    return IN_FLIGHT.get();
  }

  @POST
  @Path("/exit")
  public void exit() {
    enabledOrNotFound();
    Quarkus.asyncExit(0);
  }

  private void enabledOrNotFound() {
    if (!enabled) {
      throw new NotFoundException();
    }
  }
}
