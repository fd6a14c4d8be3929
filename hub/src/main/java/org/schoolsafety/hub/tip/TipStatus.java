package org.schoolsafety.hub.tip;

/**
 * Where a tip stands. {@code NEW} until the school or its education agency triages it (the
 * response deadline runs while it is NEW); {@code RESOLVED} and {@code UNFOUNDED} close it.
 */
public enum TipStatus {
  NEW,
  TRIAGED,
  IN_PROGRESS,
  RESOLVED,
  UNFOUNDED;

  public boolean isClosed() {
    return this == RESOLVED || this == UNFOUNDED;
  }
}
