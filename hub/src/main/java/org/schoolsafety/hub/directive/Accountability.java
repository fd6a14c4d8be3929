package org.schoolsafety.hub.directive;

import java.util.Map;
import org.schoolsafety.hub.CborSerializable;

/**
 * One accountability report of a school: its students either as a whole ({@code students}) or
 * class by class ({@code classes}, merged with the classes reported before), and its staff.
 * A null group leaves what the school reported before unchanged.
 */
public record Accountability(Headcount students, Headcount staff, Map<String, Headcount> classes)
    implements CborSerializable {

  public Accountability {
    classes = classes == null ? Map.of() : Map.copyOf(classes);
  }
}
