package org.schoolsafety.edge.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import java.util.concurrent.CompletionException;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.junit.jupiter.api.Test;

/** How a failure while serving a request becomes a problem response. */
class ProblemsTest {

  @Test
  void aStorageQueryThatTimedOutIsUnavailableAndRetriableNotAnInternalError() {
    // What a read-side query returns when Cassandra does not answer within the driver's timeout.
    HttpResponse response = Problems.from(new CompletionException(new DriverTimeoutException("Query timed out after PT2S")));
    assertThat(response.status().intValue()).isEqualTo(503);
    assertThat(response.getHeader(RetryAfter.class)).isPresent();
    assertThat(response.entity().getContentType().toString()).isEqualTo("application/problem+json");
    assertThat(body(response)).contains("storage did not answer in time");
  }

  @Test
  void anythingElseUnexpectedIsStillAnInternalError() {
    HttpResponse response = Problems.from(new CompletionException(new IllegalStateException("a bug")));
    assertThat(response.status().intValue()).isEqualTo(500);
    assertThat(body(response)).contains("internal error").doesNotContain("a bug");
  }

  private static String body(HttpResponse response) {
    var strict = (org.apache.pekko.http.javadsl.model.HttpEntity.Strict) response.entity();
    return strict.getData().utf8String();
  }
}
