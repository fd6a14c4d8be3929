package org.schoolsafety.edge.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks request fields one by one and collects every problem, so that one 400 response names
 * all invalid fields at once. Each method returns the checked value (or null when invalid).
 */
public final class Fields {

  static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  /** Reports may not claim to have happened further in the future than this (clock skew). */
  static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(5);

  private final List<Problem.FieldError> errors = new ArrayList<>();

  public void error(String field, String message) {
    errors.add(new Problem.FieldError(field, message));
  }

  public boolean required(String field, Object value) {
    if (value == null) {
      error(field, "is required");
      return false;
    }
    return true;
  }

  public String id(String field, String value) {
    if (!required(field, value)) {
      return null;
    }
    if (!ID.matcher(value).matches()) {
      error(field, "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
      return null;
    }
    return value;
  }

  /** Free text: trimmed, at most {@code max} characters, no control characters but newlines and tabs. */
  public String text(String field, String value, int max, boolean required) {
    if (value == null) {
      if (required) {
        error(field, "is required");
      }
      return null;
    }
    String trimmed = value.strip();
    if (required && trimmed.isEmpty()) {
      error(field, "must not be blank");
      return null;
    }
    if (trimmed.codePointCount(0, trimmed.length()) > max) {
      error(field, "must be at most " + max + " characters");
      return null;
    }
    if (trimmed.codePoints().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
      error(field, "must not contain control characters");
      return null;
    }
    if (hasUnpairedSurrogate(trimmed)) {
      // "\ud800" is valid JSON but no Unicode text: it could be neither stored nor sent back.
      error(field, "must be valid Unicode text (it has an unpaired surrogate)");
      return null;
    }
    return trimmed;
  }

  private static boolean hasUnpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  public <E extends Enum<E>> E oneOf(String field, String value, Class<E> type, E fallback) {
    if (value == null) {
      if (fallback == null) {
        error(field, "is required; one of " + Arrays.toString(type.getEnumConstants()));
      }
      return fallback;
    }
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(value)) {
        return constant;
      }
    }
    error(field, "must be one of " + Arrays.toString(type.getEnumConstants()));
    return null;
  }

  public int count(String field, Integer value, int min, int max) {
    if (!required(field, value)) {
      return 0;
    }
    if (value < min || value > max) {
      error(field, "must be between " + min + " and " + max);
    }
    return value;
  }

  public double range(String field, Double value, double min, double max) {
    if (!required(field, value)) {
      return 0;
    }
    if (value.isNaN() || value < min || value > max) {
      error(field, "must be between " + min + " and " + max);
    }
    return value;
  }

  public String matching(String field, String value, Pattern pattern, String expected) {
    if (!required(field, value)) {
      return null;
    }
    if (!pattern.matcher(value).matches()) {
      error(field, "must be " + expected);
      return null;
    }
    return value;
  }

  /** An ISO-8601 timestamp with offset, not in the future beyond clock skew. */
  public Instant pastTimestamp(String field, String value, Clock clock) {
    if (!required(field, value)) {
      return null;
    }
    try {
      Instant at = OffsetDateTime.parse(value).toInstant();
      if (at.isAfter(clock.instant().plus(FUTURE_TOLERANCE))) {
        error(field, "must not be in the future");
        return null;
      }
      if (at.isBefore(Instant.parse("2000-01-01T00:00:00Z"))) {
        error(field, "must not be before 2000");
        return null;
      }
      return at;
    } catch (DateTimeParseException e) {
      error(field, "must be an ISO-8601 timestamp with offset, e.g. 2026-11-29T08:15:00+08:00");
      return null;
    }
  }

  /** How many problems were found so far. */
  public int errorCount() {
    return errors.size();
  }

  public void throwIfInvalid() {
    if (!errors.isEmpty()) {
      throw ApiException.invalid(List.copyOf(errors));
    }
  }
}
