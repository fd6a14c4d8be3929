package org.schoolsafety.edge.api;

/** Echoes client-supplied ids in error messages without letting them inject anything. */
final class Ids {
  private Ids() {}

  static String printable(String id) {
    String cut = id.length() > 64 ? id.substring(0, 64) + "..." : id;
    return cut.replaceAll("[^\\x20-\\x7E]", "?");
  }
}
