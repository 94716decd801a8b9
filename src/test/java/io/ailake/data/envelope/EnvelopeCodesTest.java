package io.ailake.data.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import io.ailake.api.Envelope;
import org.junit.jupiter.api.Test;

/** The seed's error codes a client switches on, for every status the /api family answers. */
class EnvelopeCodesTest {

  @Test
  void everyStatusHasTheSeedsCode() {
    for (int status : new int[] {400, 409, 413, 415, 422}) {
      assertThat(Envelope.code(status)).as("%d", status).isEqualTo("VALIDATION_ERROR");
    }
    assertThat(Envelope.code(401)).isEqualTo("AUTHENTICATION_ERROR");
    assertThat(Envelope.code(403)).isEqualTo("AUTHORIZATION_ERROR");
    assertThat(Envelope.code(404)).isEqualTo("NOT_FOUND");
    assertThat(Envelope.code(429)).isEqualTo("RATE_LIMIT_EXCEEDED");
    assertThat(Envelope.code(408)).isEqualTo("TIMEOUT");
    assertThat(Envelope.code(504)).isEqualTo("TIMEOUT");
    for (int status : new int[] {500, 501, 503}) {
      assertThat(Envelope.code(status)).as("%d", status).isEqualTo("INTERNAL_ERROR");
    }
  }
}
