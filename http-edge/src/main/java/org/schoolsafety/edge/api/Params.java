package org.schoolsafety.edge.api;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.schoolsafety.hub.incident.Mode;

/** Query parameters, checked like body fields: a 400 names the parameter. */
final class Params {

  private static final Pattern REGION_PREFIX = Pattern.compile("\\d{2}|\\d{4}|\\d{6}");

  private Params() {}

  static String region(Optional<String> value, String fallback) {
    String region = value.orElse(fallback);
    if (region == null) {
      throw invalid("region", "is required: a region-code prefix of 2, 4 or 6 digits");
    }
    if (!REGION_PREFIX.matcher(region).matches()) {
      throw invalid("region", "must be a region-code prefix of 2, 4 or 6 digits");
    }
    return region;
  }

  /** ACTUAL (default), EXERCISE or ALL. */
  static Set<Mode> modes(Optional<String> value) {
    String mode = value.orElse("ACTUAL");
    return switch (mode) {
      case "ACTUAL" -> EnumSet.of(Mode.ACTUAL);
      case "EXERCISE" -> EnumSet.of(Mode.EXERCISE);
      case "ALL" -> EnumSet.allOf(Mode.class);
      default -> throw invalid("mode", "must be ACTUAL, EXERCISE or ALL");
    };
  }

  static int limit(Optional<String> value, int fallback, int max) {
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      int limit = Integer.parseInt(value.get());
      if (limit < 1 || limit > max) {
        throw invalid("limit", "must be between 1 and " + max);
      }
      return limit;
    } catch (NumberFormatException e) {
      throw invalid("limit", "must be a whole number");
    }
  }

  /** Dates the hub can hold records for; anything outside is a mistake (or an attack on date arithmetic). */
  static final LocalDate EARLIEST = LocalDate.of(2000, 1, 1);
  static final LocalDate LATEST = LocalDate.of(2199, 12, 31);

  static LocalDate date(String name, Optional<String> value, LocalDate fallback) {
    if (value.isEmpty()) {
      return fallback;
    }
    LocalDate date;
    try {
      date = LocalDate.parse(value.get());
    } catch (DateTimeParseException e) {
      throw invalid(name, "must be a date such as 2026-11-29");
    }
    if (date.isBefore(EARLIEST) || date.isAfter(LATEST)) {
      throw invalid(name, "must be a date between " + EARLIEST + " and " + LATEST);
    }
    return date;
  }

  static <E extends Enum<E>> E oneOf(String name, Optional<String> value, Class<E> type) {
    if (value.isEmpty()) {
      return null;
    }
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(value.get())) {
        return constant;
      }
    }
    throw invalid(name, "must be one of " + List.of(type.getEnumConstants()));
  }

  static ApiException invalid(String name, String message) {
    return ApiException.invalid(List.of(new Problem.FieldError(name, message)));
  }
}
