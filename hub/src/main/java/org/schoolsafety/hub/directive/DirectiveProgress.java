package org.schoolsafety.hub.directive;

import java.time.Instant;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.school.Posture;

/**
 * A directive's totals right after one of its events, published live to its province's command
 * centers. Each carries the whole picture, so a lost one is made good by the next (or by a GET).
 */
public record DirectiveProgress(
    String directiveId, String event, Instant at, String scope, Posture posture, Mode mode, boolean lifted,
    Instant deadline, Directive.Totals totals)
    implements CborSerializable {

  /** The pub-sub topic of a province's directive progress. */
  public static String topic(String province) {
    return "directives-" + province;
  }
}
