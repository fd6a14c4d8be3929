package org.schoolsafety.edge.api;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * The answer to a request the server cannot even parse (URI too long: 414, headers too large:
 * 431, malformed: 400), which never reaches the routes: problem+json with the security headers
 * like every other answer. The detail names the limit, never echoes the request.
 * Configured as {@code pekko.http.server.parsing.error-handler}.
 */
public final class ParsingProblems extends ParsingErrorHandler {

  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo error, LoggingAdapter log, ServerSettings settings) {
    log.debug("refused an unparsable request: {} {}", status, error.summary());
    String detail = switch (status.intValue()) {
      case 414 -> "the request URI is longer than " + settings.parserSettings().maxUriLength() + " characters";
      case 431 -> "the request's headers are too many or too large";
      case 413 -> "the request body is larger than allowed";
      default -> "the request could not be parsed as HTTP/1.1";
    };
    return Problems.of(status, detail).addHeaders(HubRoutes.SECURITY_HEADERS);
  }

  /**
   * The answer to a body too large for the node to read at all (ConnectionGuard), which never
   * reaches the routes either; the connection closes after it.
   */
  public static HttpResponse bodyTooLarge(long accepted) {
    return Problems.of(StatusCodes.PAYLOAD_TOO_LARGE,
            "the request body is larger than allowed (at most " + accepted + " bytes here)")
        .addHeaders(HubRoutes.SECURITY_HEADERS)
        .addHeader(Connection.create("close"));
  }
}
