package org.schoolsafety.edge.api;

import java.util.List;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Cross-origin access, closed by default: with no {@code hub.http.cors.allowed-origins} the hub
 * sends no CORS headers, so browsers keep other sites' scripts out. A listed origin gets the
 * headers, and its preflight requests an answer.
 */
public final class Cors extends AllDirectives {

  private final List<String> allowedOrigins;

  public Cors(List<String> allowedOrigins) {
    this.allowedOrigins = List.copyOf(allowedOrigins);
  }

  public Route wrap(Supplier<Route> inner) {
    if (allowedOrigins.isEmpty()) {
      return inner.get();
    }
    return optionalHeaderValueByName("Origin", origin -> {
      if (origin.isEmpty() || !allowedOrigins.contains(origin.get())) {
        return inner.get();
      }
      List<org.apache.pekko.http.javadsl.model.HttpHeader> headers = List.of(
          RawHeader.create("Access-Control-Allow-Origin", origin.get()),
          RawHeader.create("Vary", "Origin"));
      return respondWithHeaders(headers, () -> concat(
          options(() -> complete(HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)
              .addHeader(RawHeader.create("Access-Control-Allow-Methods", "GET, POST"))
              .addHeader(RawHeader.create("Access-Control-Allow-Headers",
                  "Authorization, Content-Type, Idempotency-Key, Last-Event-ID"))
              .addHeader(RawHeader.create("Access-Control-Max-Age", "600")))),
          inner.get()));
    });
  }
}
