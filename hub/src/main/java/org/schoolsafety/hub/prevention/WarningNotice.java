package org.schoolsafety.hub.prevention;

import org.schoolsafety.hub.CborSerializable;

/**
 * A warning as it was at one change, for the agencies and the command-center feed it is
 * delivered to (at least once, by the read side). {@code version} is the position of that change
 * in the school's prevention journal: receivers keep the highest one they have seen and ignore
 * anything older or repeated.
 */
public record WarningNotice(Warning warning, long version) implements CborSerializable {

  public String warningId() {
    return warning.warningId();
  }

  public String regionCode() {
    return warning.regionCode();
  }
}
