package org.schoolsafety.hub.device;

import org.schoolsafety.hub.CborSerializable;

/**
 * Where a device is: building, floor and room, plus free text ("above the lab's fume cupboard").
 * Only {@code building} is required; confirmation rules compare it.
 */
public record Place(String building, String floor, String room, String note) implements CborSerializable {

  /** A device the registry does not know yet: its place is unknown. */
  public static final Place UNKNOWN = new Place(null, null, null, null);

  public boolean known() {
    return building != null;
  }

  /** "Building B, 3F, chemistry lab" — for timelines and notices. */
  public String describe() {
    if (!known()) {
      return "place unknown (unregistered device)";
    }
    var parts = new java.util.ArrayList<String>();
    parts.add(building);
    if (floor != null) {
      parts.add(floor);
    }
    if (room != null) {
      parts.add(room);
    }
    if (note != null) {
      parts.add(note);
    }
    return String.join(", ", parts);
  }
}
