package org.schoolsafety.edge.api;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.persistence.StorageFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns every failure into an {@code application/problem+json} response without internals. */
public final class Problems {

  private static final Logger log = LoggerFactory.getLogger(Problems.class);

  public static final ContentType PROBLEM_JSON =
      MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8).toContentType();

  /** Seconds a client should wait before retrying after a 503. */
  static final long RETRY_AFTER_SECONDS = 2;

  private Problems() {}

  public static HttpResponse of(StatusCode status, String detail) {
    return of(status, detail, null);
  }

  public static HttpResponse of(StatusCode status, String detail, List<Problem.FieldError> errors) {
    var problem = new Problem("about:blank", status.reason(), status.intValue(), detail, null, errors);
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(PROBLEM_JSON, JsonSupport.write(problem));
  }

  public static HttpResponse unavailable(String detail) {
    return of(StatusCodes.SERVICE_UNAVAILABLE, detail)
        .addHeader(RetryAfter.create(RETRY_AFTER_SECONDS));
  }

  /** The response for a failed ask or a refused request. */
  public static HttpResponse from(Throwable failure) {
    Throwable cause = cause(failure);
    if (cause instanceof ApiException api) {
      return of(api.status(), api.getMessage(), api.errors());
    }
    if (cause instanceof Rejection.NotFound) {
      return of(StatusCodes.NOT_FOUND, cause.getMessage());
    }
    if (cause instanceof Rejection.Conflict) {
      return of(StatusCodes.CONFLICT, cause.getMessage());
    }
    if (cause instanceof Rejection.Gone) {
      return of(StatusCodes.GONE, cause.getMessage());
    }
    if (cause instanceof Rejection.Forbidden) {
      return of(StatusCodes.FORBIDDEN, cause.getMessage());
    }
    if (cause instanceof Rejection.Invalid) {
      return of(StatusCodes.BAD_REQUEST, cause.getMessage());
    }
    if (cause instanceof TimeoutException) {
      // The entity did not confirm in time: storage is down or overloaded. The write may still
      // land; a retry with the same clientRef is safe.
      log.warn("request timed out waiting for an entity: {}", cause.getMessage());
      return unavailable(
          "the hub could not confirm the request in time (storage unavailable or overloaded);"
              + " retry later, with the same clientRef for reports");
    }
    if (StorageFailures.isStorageUnavailable(cause)) {
      // A read of the read side (or another direct query) that Cassandra did not answer in time:
      // nothing was changed, and the same request may succeed in a moment.
      log.warn("a storage query failed while serving a request: {}", cause.toString());
      return unavailable("the hub's storage did not answer in time (unavailable or overloaded); retry later");
    }
    log.error("unexpected failure while serving a request", cause);
    return of(StatusCodes.INTERNAL_SERVER_ERROR, "internal error; it has been logged");
  }

  /** What failed, without the CompletionExceptions around it. */
  static Throwable cause(Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
