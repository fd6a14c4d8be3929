package org.schoolsafety.persistence.readside;

import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * Reads the query tables with stable order and opaque cursors. Filters on status, level and
 * mode are applied while scanning; one request scans a bounded number of rows and hands back a
 * cursor to go on from, so no request can be made to scan without limit.
 */
public final class IncidentQueries {

  /** Rows one request may scan, at most, per requested result. */
  private static final int SCAN_FACTOR = 20;

  private final CassandraSession session;
  private final String ks;

  IncidentQueries(CassandraSession session, String keyspace) {
    this.session = session;
    this.ks = keyspace;
  }

  /** What to list: region prefix, optional filters (null = any), days, page size and cursor. */
  public record IncidentFilter(
      String regionPrefix, Set<String> statuses, boolean openOnly, String level, Set<String> modes,
      String drillId, LocalDate from, LocalDate to, int limit, String cursor) {}

  public record Page<T>(List<T> items, String next) {}

  /** Where a page ended: the partition (a day, or none for the open list) and the last row. */
  record Cursor(LocalDate day, Instant at, String id) {
    String encode() {
      String raw = (day == null ? "open" : day.toString()) + "|" + at.toEpochMilli() + "|" + id;
      return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Optional<Cursor> decode(String cursor) {
      if (cursor == null || cursor.isEmpty()) {
        return Optional.empty();
      }
      try {
        String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", 3);
        LocalDate day = parts[0].equals("open") ? null : LocalDate.parse(parts[0]);
        return Optional.of(new Cursor(day, Instant.ofEpochMilli(Long.parseLong(parts[1])), parts[2]));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("cursor is not one this API handed out");
      }
    }

    boolean isAfter(Instant rowAt, String rowId) {
      // Rows come newest first, ties by id ascending: a row is past the cursor when older, or
      // equally old with a greater id.
      return rowAt.isBefore(at) || (rowAt.equals(at) && rowId.compareTo(id) > 0);
    }
  }

  public CompletionStage<Page<IncidentSummary>> incidents(IncidentFilter filter) {
    Optional<Cursor> cursor = Cursor.decode(filter.cursor());
    Predicate<IncidentSummary> wanted = s ->
        (filter.statuses() == null || filter.statuses().contains(s.status()))
            && (filter.level() == null || filter.level().equals(s.level()))
            && (filter.modes() == null || filter.modes().contains(s.mode()))
            && (filter.drillId() == null || filter.drillId().equals(s.drillId()));
    int scanBudget = filter.limit() * SCAN_FACTOR;
    var found = new ArrayList<IncidentSummary>();
    if (filter.openOnly()) {
      return scan("SELECT * FROM " + ks + ".open_incidents_by_region WHERE region_prefix = ?",
          List.of(filter.regionPrefix()), null, cursor, wanted, filter.limit(), scanBudget, found)
          .thenApply(last -> new Page<>(found, last == null ? null : last.encode()));
    }
    LocalDate firstDay = cursor.map(Cursor::day).orElse(filter.to());
    return days(filter, firstDay, cursor, wanted, scanBudget, found)
        .thenApply(last -> new Page<>(found, last == null ? null : last.encode()));
  }

  /** Walks day partitions from newest to oldest until the page is full or the range ends. */
  private CompletionStage<Cursor> days(IncidentFilter filter, LocalDate day, Optional<Cursor> cursor,
      Predicate<IncidentSummary> wanted, int budget, List<IncidentSummary> found) {
    if (day.isBefore(filter.from())) {
      return CompletableFuture.completedFuture(null);
    }
    Optional<Cursor> here = cursor.filter(c -> day.equals(c.day()));
    return scan("SELECT * FROM " + ks + ".incidents_by_region_day WHERE region_prefix = ? AND day = ?",
            List.of(filter.regionPrefix(), day), day, here, wanted, filter.limit(), budget, found)
        .thenCompose(last -> {
          if (last != null) {
            return CompletableFuture.completedFuture(last);
          }
          int used = found.size();
          return days(filter, day.minusDays(1), Optional.empty(), wanted, Math.max(filter.limit(), budget - used), found);
        });
  }

  /**
   * Scans one partition from the cursor on. Returns the cursor to continue from when the page
   * filled up (or the scan budget ran out) with rows possibly left, or null when the partition
   * is exhausted.
   */
  private CompletionStage<Cursor> scan(String baseQuery, List<Object> keys, LocalDate day, Optional<Cursor> cursor,
      Predicate<IncidentSummary> wanted, int limit, int budget, List<IncidentSummary> found) {
    var values = new ArrayList<Object>(keys);
    String query = baseQuery;
    if (cursor.isPresent()) {
      query += " AND reported_at <= ?";
      values.add(cursor.get().at());
    }
    query += " LIMIT " + (budget + 1);
    return session.selectAll(query, values.toArray()).thenApply(rows -> {
      int scanned = 0;
      for (Row row : rows) {
        IncidentSummary s = summary(row);
        if (cursor.isPresent() && !cursor.get().isAfter(s.reportedAt(), s.incidentId())) {
          continue;
        }
        scanned++;
        if (wanted.test(s)) {
          found.add(s);
        }
        if (found.size() >= limit || scanned >= budget) {
          // There may be more: the next page goes on from here (and may turn out empty).
          return new Cursor(day, s.reportedAt(), s.incidentId());
        }
      }
      return null;
    });
  }

  private static IncidentSummary summary(Row r) {
    return new IncidentSummary(r.getString("incident_id"), r.getString("school_id"), r.getString("school_name"),
        r.getString("region_code"), r.getString("type"), r.getString("level"), r.getString("mode"),
        r.getString("status"), r.getInstant("reported_at"), r.getInstant("updated_at"), r.getInt("notified"),
        r.getInt("acknowledged"), r.getInt("escalated"), r.getInt("unanswered"), r.getString("drill_id"));
  }

  /** Schools of a region (any prefix), by id, from the province's partition. */
  public CompletionStage<Page<SchoolSummary>> schools(String regionPrefix, int limit, String after) {
    String query = "SELECT * FROM " + ks + ".schools_by_province WHERE province = ?";
    var values = new ArrayList<Object>(List.of(regionPrefix.substring(0, 2)));
    if (after != null && !after.isEmpty()) {
      query += " AND school_id > ?";
      values.add(after);
    }
    return session.selectAll(query + " LIMIT " + (limit * SCAN_FACTOR), values.toArray()).thenApply(rows -> {
      var schools = new ArrayList<SchoolSummary>();
      for (Row r : rows) {
        if (r.getString("region_code").startsWith(regionPrefix)) {
          schools.add(new SchoolSummary(r.getString("school_id"), r.getString("name"), r.getString("region_code"),
              r.getString("type"), r.getDouble("lat"), r.getDouble("lon"), r.getString("posture"),
              r.getInt("open_incidents"), r.getSet("evacuation_months", String.class)));
          if (schools.size() == limit) {
            return new Page<>(schools, r.getString("school_id"));
          }
        }
      }
      return new Page<>(schools, null);
    });
  }

  /** An agency's whole dispatch history, newest first. */
  public CompletionStage<Page<DispatchRecord>> dispatches(String agencyId, int limit, String cursor) {
    Optional<Cursor> from = Cursor.decode(cursor);
    String query = "SELECT * FROM " + ks + ".dispatches_by_agency WHERE agency_id = ?";
    var values = new ArrayList<Object>(List.of(agencyId));
    if (from.isPresent()) {
      query += " AND notified_at <= ?";
      values.add(from.get().at());
    }
    return session.selectAll(query + " LIMIT " + (limit + 50), values.toArray()).thenApply(rows -> {
      var records = new ArrayList<DispatchRecord>();
      for (Row r : rows) {
        var record = new DispatchRecord(r.getString("agency_id"), r.getString("incident_id"), r.getString("school_id"),
            r.getString("school_name"), r.getString("region_code"), r.getString("type"), r.getString("level"),
            r.getString("mode"), r.getString("incident_status"), r.getString("state"), r.getInstant("notified_at"),
            r.getInstant("deadline"), r.getInstant("ack_at"));
        if (from.isPresent() && !from.get().isAfter(record.notifiedAt(), record.incidentId())) {
          continue;
        }
        records.add(record);
        if (records.size() == limit) {
          return new Page<>(records, new Cursor(null, record.notifiedAt(), record.incidentId()).encode());
        }
      }
      return new Page<>(records, null);
    });
  }
}
