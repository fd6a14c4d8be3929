package org.schoolsafety.hub.directive;

import java.time.Duration;
import java.util.List;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.school.Posture;

/**
 * What a directive asks: a posture for a set of schools, an instruction, and how long schools
 * have to acknowledge it. {@code scope} is the region prefix it was issued for (who may watch
 * and lift it); {@code source} says where it came from ("direct", or a CAP alert's
 * "sender,identifier,sent").
 */
public record DirectiveSpec(
    Posture posture,
    String instruction,
    Mode mode,
    String scope,
    List<TargetSchool> schools,
    Duration ackWithin,
    String source)
    implements CborSerializable {

  public DirectiveSpec {
    schools = List.copyOf(schools);
  }
}
