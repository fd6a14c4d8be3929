package org.schoolsafety.edge.api;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/openapi.yaml}: the OpenAPI 3.1 contract of the whole HTTP API, open without a
 * token so agency integrators can generate a client from the running hub. It describes endpoints,
 * not data, so it is public like the console's files; the node's security headers apply to it.
 */
public final class OpenApiRoutes extends AllDirectives {

  /** The classpath resource; engineers adding routes add them here too (OpenApiContractTest checks). */
  public static final String RESOURCE = "openapi/openapi.yaml";

  /** RFC 9512's media type for YAML. */
  private static final ContentType YAML =
      MediaTypes.applicationWithOpenCharset("yaml").toContentType(HttpCharsets.UTF_8);

  public Route route() {
    return path(segment("api").slash("v1").slash("openapi.yaml"), () -> get(() -> getFromResource(RESOURCE, YAML)));
  }
}
