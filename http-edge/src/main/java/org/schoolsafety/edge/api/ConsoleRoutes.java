package org.schoolsafety.edge.api;

import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /console/}: the command center's web console, static files from the classpath
 * directory {@code console/}. They are public (the page holds no data); every API call the page
 * makes carries the duty officer's bearer token, which never reaches this route: it lives in the
 * URL fragment and the browser's sessionStorage. The node's security headers (CSP
 * {@code default-src 'self'}, no inline script or style) apply to these files like to any answer.
 */
public final class ConsoleRoutes extends AllDirectives {

  static final String RESOURCE_DIRECTORY = "console";

  public Route route() {
    return pathPrefix("console", () -> concat(
        // Relative URLs in the page (app.js, style.css) need the trailing slash.
        pathEnd(() -> get(() -> redirect(Uri.create("/console/"), StatusCodes.MOVED_PERMANENTLY))),
        pathSingleSlash(() -> getFromResource(RESOURCE_DIRECTORY + "/index.html")),
        getFromResourceDirectory(RESOURCE_DIRECTORY)));
  }
}
