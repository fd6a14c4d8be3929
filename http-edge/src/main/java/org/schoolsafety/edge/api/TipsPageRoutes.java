package org.schoolsafety.edge.api;

import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /tips/}: the page for tipsters, static files from the classpath directory {@code tips/},
 * served like the console (no build step, nothing from the internet, the node's CSP applies). The
 * page holds no data and sends no token; the follow-up code it is given never leaves the page
 * except in the {@code Follow-Up-Code} header of the tipster's own requests.
 */
public final class TipsPageRoutes extends AllDirectives {

  static final String RESOURCE_DIRECTORY = "tips";

  public Route route() {
    return pathPrefix("tips", () -> concat(
        pathEnd(() -> get(() -> redirect(Uri.create("/tips/"), StatusCodes.MOVED_PERMANENTLY))),
        pathSingleSlash(() -> getFromResource(RESOURCE_DIRECTORY + "/index.html")),
        getFromResourceDirectory(RESOURCE_DIRECTORY)));
  }
}
