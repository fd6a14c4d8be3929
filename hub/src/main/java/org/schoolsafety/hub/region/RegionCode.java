package org.schoolsafety.hub.region;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/**
 * A 6-digit administrative division code: province {@code 65}, city {@code 6501}, county
 * {@code 650102}. Jurisdictions and region filters are prefixes of it.
 */
public record RegionCode(String value) {

  private static final Pattern SIX_DIGITS = Pattern.compile("\\d{6}");
  private static final Pattern PREFIX = Pattern.compile("\\d{2}|\\d{4}|\\d{6}");

  public RegionCode {
    if (value == null || !SIX_DIGITS.matcher(value).matches()) {
      throw new IllegalArgumentException("a region code has exactly 6 digits, e.g. 650102");
    }
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static RegionCode of(String value) {
    return new RegionCode(value);
  }

  public static boolean isValid(String value) {
    return value != null && SIX_DIGITS.matcher(value).matches();
  }

  /** True for a province (2 digits), city (4) or county (6) prefix. */
  public static boolean isPrefix(String prefix) {
    return prefix != null && PREFIX.matcher(prefix).matches();
  }

  @JsonValue
  public String value() {
    return value;
  }

  public String province() {
    return value.substring(0, 2);
  }

  public String city() {
    return value.substring(0, 4);
  }

  public String county() {
    return value;
  }

  public boolean within(String prefix) {
    return value.startsWith(prefix);
  }

  @Override
  public String toString() {
    return value;
  }
}
