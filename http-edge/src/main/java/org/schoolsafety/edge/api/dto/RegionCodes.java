package org.schoolsafety.edge.api.dto;

import java.util.regex.Pattern;

final class RegionCodes {
  static final Pattern SIX_DIGITS = Pattern.compile("\\d{6}");
  static final Pattern PREFIX = Pattern.compile("\\d{2}|\\d{4}|\\d{6}");

  private RegionCodes() {}
}
