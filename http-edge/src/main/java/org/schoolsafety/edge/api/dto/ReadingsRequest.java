package org.schoolsafety.edge.api.dto;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.schoolsafety.edge.api.Fields;
import org.schoolsafety.hub.device.Batch;
import org.schoolsafety.hub.device.CameraLabel;
import org.schoolsafety.hub.device.Reading;
import org.schoolsafety.hub.device.SensorKind;
import org.schoolsafety.hub.device.SensorSettings;
import org.schoolsafety.hub.incident.Mode;

/**
 * Body of {@code POST /api/v1/sensors/readings}: one gateway's batch. Every reading is checked and
 * every problem is named by the reading's index and field ({@code readings[3].value}); one bad
 * reading refuses the whole batch, so nothing of it is applied.
 */
public record ReadingsRequest(String schoolId, String gatewayId, String mode, String drillId, List<ReadingDto> readings) {

  public record ReadingDto(String sensorId, String kind, Double value, String label, Double confidence, String at) {}

  /** A batch with no more problems than this lists the first ones only. */
  static final int MAX_ERRORS = 100;

  public record Checked(String schoolId, Batch batch) {}

  public Checked check(Clock clock, SensorSettings settings) {
    var f = new Fields();
    String school = f.id("schoolId", schoolId);
    String gateway = f.id("gatewayId", gatewayId);
    Mode batchMode = f.oneOf("mode", mode, Mode.class, Mode.ACTUAL);
    String drill = drillId == null ? null : f.id("drillId", drillId);
    if (drillId != null && batchMode != Mode.EXERCISE) {
      f.error("drillId", "is only for drills: mode must be EXERCISE");
    }
    var checked = new ArrayList<Reading>();
    if (f.required("readings", readings)) {
      if (readings.isEmpty() || readings.size() > settings.maxBatch()) {
        f.error("readings", "must hold 1 to " + settings.maxBatch() + " readings, not " + readings.size());
      } else {
        Instant now = clock.instant();
        for (int i = 0; i < readings.size() && f.errorCount() < MAX_ERRORS; i++) {
          Reading r = reading(f, "readings[" + i + "]", readings.get(i), now, settings);
          if (r != null) {
            checked.add(r);
          }
        }
      }
    }
    f.throwIfInvalid();
    return new Checked(school, new Batch(gateway, batchMode, drill, List.copyOf(checked)));
  }

  private static Reading reading(Fields f, String at, ReadingDto r, Instant now, SensorSettings settings) {
    if (r == null) {
      f.error(at, "must be a reading object, not null");
      return null;
    }
    int before = f.errorCount();
    String sensor = f.id(at + ".sensorId", r.sensorId());
    SensorKind kind = f.oneOf(at + ".kind", r.kind(), SensorKind.class, null);
    Instant when = timestamp(f, at + ".at", r.at(), now, settings);
    CameraLabel label = null;
    if (kind == SensorKind.CAMERA) {
      if (r.value() != null) {
        f.error(at + ".value", "is not for CAMERA readings: a camera sends a label and a confidence");
      }
      label = f.oneOf(at + ".label", r.label(), CameraLabel.class, null);
      f.range(at + ".confidence", r.confidence(), 0, 1);
    } else if (kind != null) {
      if (r.label() != null) {
        f.error(at + ".label", "is only for CAMERA readings");
      }
      if (r.confidence() != null) {
        f.error(at + ".confidence", "is only for CAMERA readings");
      }
      if (kind != SensorKind.HEARTBEAT || r.value() != null) {
        double v = f.range(at + ".value", r.value(), kind.min(), kind.max());
        if (r.value() != null && kind.isBinary() && v != 0 && v != 1) {
          f.error(at + ".value", "must be 0 or 1 for " + kind);
        }
      }
    }
    if (f.errorCount() > before) {
      return null;
    }
    return new Reading(sensor, kind, r.value(), label, r.confidence(), when);
  }

  /** ISO-8601 with offset, neither further ahead than the gateway's clock may be off nor too old to act on. */
  private static Instant timestamp(Fields f, String field, String value, Instant now, SensorSettings settings) {
    if (!f.required(field, value)) {
      return null;
    }
    try {
      Instant at = OffsetDateTime.parse(value).toInstant();
      if (at.isAfter(now.plus(settings.futureTolerance()))) {
        f.error(field, "is in the future (more than " + human(settings.futureTolerance()) + " ahead of the hub's clock)");
        return null;
      }
      if (at.isBefore(now.minus(settings.maxReadingAge()))) {
        f.error(field, "is too old to act on (more than " + human(settings.maxReadingAge()) + " ago)");
        return null;
      }
      return at;
    } catch (DateTimeParseException e) {
      f.error(field, "must be an ISO-8601 timestamp with offset, e.g. 2026-11-29T08:15:02+08:00");
      return null;
    }
  }

  private static String human(Duration d) {
    return d.toSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
  }
}
