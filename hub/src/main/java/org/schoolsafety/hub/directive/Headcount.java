package org.schoolsafety.hub.directive;

import org.schoolsafety.hub.CborSerializable;

/** People of one group (a school's students, its staff, one class) and where they are. */
public record Headcount(int present, int missing, int injured) implements CborSerializable {

  public static final Headcount NONE = new Headcount(0, 0, 0);

  /** Present or injured: people whose whereabouts are known. */
  public int accounted() {
    return present + injured;
  }

  public Headcount plus(Headcount other) {
    return new Headcount(present + other.present, missing + other.missing, injured + other.injured);
  }
}
