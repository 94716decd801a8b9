package io.ailake.auth;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The OAuth2 token endpoint of the Iceberg REST spec, so engines configured with
 * {@code credential=<token id>:<token secret>} get short-lived access tokens (client credentials), and
 * refresh them (token exchange). Errors follow OAuth2's own model (RFC 6749 5.2). Only ailake's own
 * tokens are exchanged: a JWT of the external issuer is refreshed at that issuer, and the server admin
 * token is used as it is.
 */
@Path(AuthFilter.OAUTH_TOKENS)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "OAuth2 API")
public class OAuthTokensResource {

  static final String CLIENT_CREDENTIALS = "client_credentials";
  static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
  static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

  private final Tokens tokens;

  OAuthTokensResource(Tokens tokens) {
    this.tokens = tokens;
  }

  @POST
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  @Operation(operationId = "getToken", summary = "OAuth2 token endpoint: client_credentials (client_id = token id, client_secret = token"
      + " secret) or token-exchange; answers a short-lived bearer access token")
  @APIResponse(responseCode = "200", description = "access_token, token_type, expires_in, issued_token_type",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "OAuthTokenResponse")))
  @APIResponse(responseCode = "400", description = "invalid_request (a missing field; a subject_token that is not"
      + " valid or is not exchanged here: the server admin token, a token of the external OpenID Connect issuer)"
      + " or unsupported_grant_type (OAuth2 error JSON)")
  @APIResponse(responseCode = "401", description = "invalid_client: unknown or revoked credentials")
  public Response token(
      @FormParam("grant_type") String grantType,
      @FormParam("client_id") String clientId,
      @FormParam("client_secret") String clientSecret,
      @FormParam("subject_token") String subjectToken,
      @FormParam("subject_token_type") String subjectTokenType) {
    if (blank(grantType)) {
      return error(400, "invalid_request", "grant_type is required: " + CLIENT_CREDENTIALS + " or " + TOKEN_EXCHANGE);
    }
    if (CLIENT_CREDENTIALS.equals(grantType)) {
      if (blank(clientId) || blank(clientSecret)) {
        return error(400, "invalid_request", "client_credentials needs client_id and client_secret");
      }
      return tokens.clientCredentials(clientId, clientSecret)
          .map(OAuthTokensResource::issued)
          .orElseGet(() -> error(401, "invalid_client", "Unknown or revoked credentials"));
    }
    if (TOKEN_EXCHANGE.equals(grantType)) {
      return exchange(subjectToken, subjectTokenType);
    }
    return error(400, "unsupported_grant_type",
        "grant_type must be " + CLIENT_CREDENTIALS + " or " + TOKEN_EXCHANGE);
  }

  /** RFC 8693 2.2.2: a subject token that is not valid, or not acceptable here, is an invalid_request. */
  private Response exchange(String subjectToken, String subjectTokenType) {
    if (blank(subjectToken)) {
      return error(400, "invalid_request", "token-exchange needs subject_token");
    }
    if (subjectTokenType != null && !ACCESS_TOKEN_TYPE.equals(subjectTokenType)) {
      return error(400, "invalid_request", "subject_token_type must be " + ACCESS_TOKEN_TYPE);
    }
    try {
      return tokens.exchange(subjectToken)
          .map(OAuthTokensResource::issued)
          .orElseGet(() -> error(400, "invalid_request", "The subject_token is not valid (unknown, revoked or expired)"));
    } catch (Tokens.NotExchangeableException e) {
      return error(400, "invalid_request", e.getMessage());
    }
  }

  private static Response issued(Tokens.AccessToken token) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", token.token());
    body.put("token_type", "bearer");
    body.put("expires_in", token.expiresInSeconds());
    body.put("issued_token_type", ACCESS_TOKEN_TYPE);
    return Response.ok(body).header("Cache-Control", "no-store").build();
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  private static Response error(int status, String error, String description) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .header("Cache-Control", "no-store")
        .entity(Map.of("error", error, "error_description", description))
        .build();
  }
}
