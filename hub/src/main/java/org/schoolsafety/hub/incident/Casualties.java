package org.schoolsafety.hub.incident;

import org.schoolsafety.hub.CborSerializable;

/** Casualty figures as last reported. */
public record Casualties(int dead, int injured, int missing) implements CborSerializable {
  public static final Casualties NONE = new Casualties(0, 0, 0);
}
