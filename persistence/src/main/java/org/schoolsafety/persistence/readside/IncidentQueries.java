package org.schoolsafety.persistence.readside;

import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.schoolsafety.hub.evaluation.IncidentFacts;
import org.schoolsafety.hub.reporting.ReportingDeadlines;
import org.schoolsafety.hub.reporting.ReportingFacts;
import org.schoolsafety.hub.reporting.ReportingRules;
import org.schoolsafety.hub.secret.ServerKey;

/**
 * Reads the query tables with stable order and signed cursors. Filters on status, level, mode
 * and region are applied while scanning; one request scans a bounded number of rows, for a
 * bounded time, and hands back a cursor to go on from, so no request can be made to scan
 * without limit or outlive its answer.
 */
public final class IncidentQueries {

  /** Rows one request may scan, at most, per requested result. */
  private static final int SCAN_FACTOR = 20;

  /** A scan stops after this long and answers with what it found and a cursor to go on. */
  static final Duration SCAN_TIME = Duration.ofSeconds(2);

  private final CassandraSession session;
  private final String ks;
  private final Cursor.Codec cursors;

  private final ReportingRules reporting;
  private final Clock clock;

  /** Reporting deadlines judged by the default rules at the system clock's time. */
  IncidentQueries(CassandraSession session, String keyspace, ServerKey serverKey) {
    this(session, keyspace, serverKey, ReportingRules.defaults(), Clock.systemUTC());
  }

  IncidentQueries(CassandraSession session, String keyspace, ServerKey serverKey, ReportingRules reporting,
      Clock clock) {
    this.session = session;
    this.ks = keyspace;
    this.cursors = new Cursor.Codec(serverKey);
    this.reporting = reporting;
    this.clock = clock;
  }

  /** What to list: region prefix, optional filters (null = any), days, page size and cursor. */
  public record IncidentFilter(
      String regionPrefix, Set<String> statuses, boolean openOnly, String level, Set<String> modes,
      String drillId, LocalDate from, LocalDate to, int limit, String cursor) {

    /** The query a cursor belongs to: everything but the page size and the cursor itself. */
    String query() {
      return String.join("|", "incidents", regionPrefix, sorted(statuses), String.valueOf(openOnly),
          String.valueOf(level), sorted(modes), String.valueOf(drillId), String.valueOf(from), String.valueOf(to));
    }
  }

  /** Which of an agency's dispatches a caller may list: modes, and a region prefix (null: all). */
  public record DispatchFilter(Set<String> modes, String regionPrefix) {
    boolean admits(DispatchRecord r) {
      return modes.contains(r.mode()) && (regionPrefix == null || r.regionCode().startsWith(regionPrefix));
    }

    String query(String agencyId) {
      return String.join("|", "dispatches", agencyId, sorted(modes), String.valueOf(regionPrefix));
    }
  }

  private static String sorted(Set<String> values) {
    return values == null ? "null" : new TreeSet<>(values).toString();
  }

  public record Page<T>(List<T> items, String next) {}

  /** @throws IllegalArgumentException when the cursor is not one handed out for this query */
  public CompletionStage<Page<IncidentSummary>> incidents(IncidentFilter filter) {
    String query = filter.query();
    Optional<Cursor> cursor = cursors.decode(filter.cursor(), query);
    Predicate<IncidentSummary> wanted = s ->
        (filter.statuses() == null || filter.statuses().contains(s.status()))
            && (filter.level() == null || filter.level().equals(s.level()))
            && (filter.modes() == null || filter.modes().contains(s.mode()))
            && (filter.drillId() == null || filter.drillId().equals(s.drillId()));
    var scan = new Scan(filter.limit(), filter.limit() * SCAN_FACTOR, System.nanoTime() + SCAN_TIME.toNanos());
    if (filter.openOnly()) {
      return scan("SELECT * FROM " + ks + ".open_incidents_by_region WHERE region_prefix = ?",
          List.of(filter.regionPrefix()), null, cursor, wanted, scan)
          .thenApply(last -> new Page<>(scan.found, last == null ? null : cursors.encode(last, query)));
    }
    LocalDate firstDay = cursor.isPresent() ? cursor.get().day() : filter.to();
    if (firstDay == null || firstDay.isBefore(filter.from()) || firstDay.isAfter(filter.to())) {
      throw new IllegalArgumentException("is not a cursor this API handed out for this query");
    }
    return days(filter, firstDay, cursor, wanted, scan)
        .thenApply(last -> new Page<>(scan.found, last == null ? null : cursors.encode(last, query)));
  }

  /** One request's scan: what it found, and what it may still spend in rows and time. */
  private static final class Scan {
    final List<IncidentSummary> found = new ArrayList<>();
    final int limit;
    final long deadlineNanos;
    int budget;

    Scan(int limit, int budget, long deadlineNanos) {
      this.limit = limit;
      this.budget = budget;
      this.deadlineNanos = deadlineNanos;
    }

    boolean exhausted() {
      return found.size() >= limit || budget <= 0 || System.nanoTime() > deadlineNanos;
    }
  }

  /** Walks day partitions from newest to oldest until the page is full, the scan spent or the range ends. */
  private CompletionStage<Cursor> days(IncidentFilter filter, LocalDate day, Optional<Cursor> cursor,
      Predicate<IncidentSummary> wanted, Scan scan) {
    if (day.isBefore(filter.from())) {
      return CompletableFuture.completedFuture(null);
    }
    if (scan.exhausted()) {
      return CompletableFuture.completedFuture(Cursor.startOf(day));
    }
    Optional<Cursor> here = cursor.filter(c -> day.equals(c.day()));
    return scan("SELECT * FROM " + ks + ".incidents_by_region_day WHERE region_prefix = ? AND day = ?",
            List.of(filter.regionPrefix(), day), day, here, wanted, scan)
        .thenCompose(last -> last != null
            ? CompletableFuture.completedFuture(last)
            : days(filter, day.minusDays(1), Optional.empty(), wanted, scan));
  }

  /**
   * Scans one partition from the cursor on. Returns the cursor to continue from when the page
   * filled up (or the scan was spent) with rows possibly left, or null when the partition is
   * exhausted. Index rows give the keys; status, level and counts come from the incidents' own
   * rows, fetched a chunk at a time.
   */
  private CompletionStage<Cursor> scan(String baseQuery, List<Object> keys, LocalDate day, Optional<Cursor> cursor,
      Predicate<IncidentSummary> wanted, Scan scan) {
    var values = new ArrayList<Object>(keys);
    String query = baseQuery;
    if (cursor.isPresent() && cursor.get().at() != null) {
      query += " AND reported_at <= ?";
      values.add(cursor.get().at());
    }
    query += " LIMIT " + (Math.max(scan.budget, 1) + 1);
    return session.selectAll(query, values.toArray()).thenCompose(rows -> {
      var index = new ArrayList<IncidentSummary>();
      for (Row row : rows) {
        IncidentSummary s = summary(row);
        if (cursor.isEmpty() || cursor.get().isAfter(s.reportedAt(), s.incidentId())) {
          index.add(s);
        }
      }
      return chunk(index, 0, day, wanted, scan);
    });
  }

  /** Rows whose incidents are looked up at once. */
  private static final int CHUNK = 50;

  private CompletionStage<Cursor> chunk(List<IncidentSummary> index, int from, LocalDate day,
      Predicate<IncidentSummary> wanted, Scan scan) {
    if (from >= index.size()) {
      return CompletableFuture.completedFuture(null);
    }
    List<IncidentSummary> part = index.subList(from, Math.min(index.size(), from + CHUNK));
    return current(part).thenCompose(current -> {
      for (IncidentSummary indexed : part) {
        IncidentSummary s = current.getOrDefault(indexed.incidentId(), indexed);
        scan.budget--;
        if (wanted.test(s)) {
          scan.found.add(s);
        }
        if (scan.exhausted()) {
          // There may be more: the next page goes on from here (and may turn out empty).
          return CompletableFuture.completedFuture(new Cursor(day, s.reportedAt(), s.incidentId()));
        }
      }
      return chunk(index, from + CHUNK, day, wanted, scan);
    });
  }

  /** The incidents' rows as the projection last wrote them, by id (rows written before it kept them are missing). */
  private CompletionStage<Map<String, IncidentSummary>> current(List<IncidentSummary> indexed) {
    return rows(indexed.stream().map(IncidentSummary::incidentId).distinct().toList())
        .thenApply(rows -> {
          var byId = new HashMap<String, IncidentSummary>();
          Instant now = clock.instant();
          rows.forEach((id, row) -> byId.put(id, row.reporting() == null ? row.summary()
              : row.summary().withReportingDeadlines(ReportingDeadlines.of(row.reporting(), reporting, now))));
          return byId;
        });
  }

  private CompletionStage<Map<String, IncidentRow>> rows(List<String> incidentIds) {
    if (incidentIds.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    return session.selectAll("SELECT * FROM " + ks + ".incident_summaries WHERE incident_id IN ?", incidentIds)
        .thenApply(rows -> {
          var byId = new HashMap<String, IncidentRow>();
          for (Row r : rows) {
            byId.put(r.getString("incident_id"), IncidentSummaryWriter.read(r));
          }
          return byId;
        });
  }

  private static IncidentSummary summary(Row r) {
    return new IncidentSummary(r.getString("incident_id"), r.getString("school_id"), r.getString("school_name"),
        r.getString("region_code"), r.getString("type"), r.getString("level"), r.getString("mode"),
        r.getString("status"), r.getInstant("reported_at"), r.getInstant("updated_at"), r.getInt("notified"),
        r.getInt("acknowledged"), r.getInt("escalated"), r.getInt("unanswered"), r.getString("drill_id"), List.of());
  }

  /**
   * True totals of a region's open incidents of {@code modes}, as the incident projection counts them
   * (a few rows per region prefix, however many incidents are open): how many, by level, the drills
   * among them by level, and their dispatches by state ({@code notified} = awaiting acknowledgement).
   */
  public record OpenTotals(String region, int open, Map<String, Integer> byLevel, Map<String, Integer> drillsByLevel,
      Map<String, Integer> dispatches) {}

  public CompletionStage<OpenTotals> openTotals(String regionPrefix, Set<String> modes) {
    return session.selectAll("SELECT mode, levels, dispatches FROM " + ks + ".open_incident_counts WHERE region_prefix = ?",
        regionPrefix).thenApply(rows -> {
          var byLevel = new java.util.LinkedHashMap<String, Integer>();
          var drills = new java.util.LinkedHashMap<String, Integer>();
          var dispatches = new java.util.LinkedHashMap<String, Integer>();
          OpenCounts.LEVELS.forEach(l -> {
            byLevel.put(l, 0);
            drills.put(l, 0);
          });
          OpenCounts.DISPATCH_STATES.forEach(d -> dispatches.put(d.toLowerCase(java.util.Locale.ROOT), 0));
          for (Row r : rows) {
            String mode = r.getString("mode");
            if (!modes.contains(mode)) {
              continue;
            }
            r.getMap("levels", String.class, Integer.class).forEach((level, n) -> {
              byLevel.merge(level, n, Integer::sum);
              if ("EXERCISE".equals(mode)) {
                drills.merge(level, n, Integer::sum);
              }
            });
            r.getMap("dispatches", String.class, Integer.class)
                .forEach((state, n) -> dispatches.merge(state.toLowerCase(java.util.Locale.ROOT), n, Integer::sum));
          }
          int open = byLevel.values().stream().mapToInt(Integer::intValue).sum();
          return new OpenTotals(regionPrefix, open, byLevel, drills, dispatches);
        });
  }

  /** An incident's reporting facts as the projection folded them; empty before it caught up (or for old rows). */
  public CompletionStage<Optional<ReportingFacts>> reportingFacts(String incidentId) {
    return session.selectOne("SELECT reporting FROM " + ks + ".incident_summaries WHERE incident_id = ?", incidentId)
        .thenApply(row -> row.flatMap(r -> {
          try {
            return Optional.ofNullable(IncidentSummaryWriter.reporting(r.getString("reporting")));
          } catch (java.io.IOException e) {
            return Optional.empty();
          }
        }));
  }

  /** Incidents of one evaluation, at most: beyond it the answer would be too large to be useful. */
  public static final int MAX_EVALUATED = 100_000;

  /**
   * The region's incidents whose initial report reached the hub in [from, to), as their rows
   * hold them: the index by region and (UTC) day gives the ids, the rows the facts.
   */
  public CompletionStage<List<IncidentFacts>> reportedBetween(String regionPrefix, Instant from, Instant to) {
    var days = new ArrayList<LocalDate>();
    for (LocalDate d = from.atZone(java.time.ZoneOffset.UTC).toLocalDate();
        !d.isAfter(to.minusNanos(1).atZone(java.time.ZoneOffset.UTC).toLocalDate()); d = d.plusDays(1)) {
      days.add(d);
    }
    var ids = new java.util.concurrent.ConcurrentLinkedQueue<String>();
    var reads = days.stream().map(day -> session.selectAll("SELECT reported_at, incident_id FROM " + ks
            + ".incidents_by_region_day WHERE region_prefix = ? AND day = ?", regionPrefix, day)
        .thenAccept(rows -> rows.forEach(r -> {
          Instant at = r.getInstant("reported_at");
          if (!at.isBefore(from) && at.isBefore(to)) {
            ids.add(r.getString("incident_id"));
          }
        })).toCompletableFuture()).toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(reads).thenCompose(done -> {
      var all = ids.stream().distinct().sorted().limit(MAX_EVALUATED).toList();
      var chunks = new ArrayList<CompletableFuture<Map<String, IncidentRow>>>();
      for (int i = 0; i < all.size(); i += 100) {
        chunks.add(rows(all.subList(i, Math.min(all.size(), i + 100))).toCompletableFuture());
      }
      return CompletableFuture.allOf(chunks.toArray(CompletableFuture[]::new)).thenApply(loaded -> {
        var facts = new ArrayList<IncidentFacts>();
        chunks.forEach(c -> c.join().values().forEach(row -> facts.add(row.facts())));
        facts.sort(java.util.Comparator.comparing(IncidentFacts::incidentId));
        return facts;
      });
    });
  }

  /**
   * The guardian notices directive {@code directiveId} caused at the schools in {@code shown}
   * (the ones the caller may see), from the schools' posture events; lags them by the projection.
   */
  public CompletionStage<GuardianNoticeCount> guardianNotices(String directiveId, java.util.Collection<String> shown) {
    return session.selectAll("SELECT school_id FROM " + ks + ".guardian_notices_by_directive WHERE directive_id = ?",
        directiveId).thenApply(rows -> GuardianNoticeCount.of(
            rows.stream().map(r -> r.getString("school_id")).toList(), Set.copyOf(shown)));
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
        // A row the incident projection started before the registry projection wrote the profile has no region yet.
        if (r.getString("region_code") != null && r.getString("region_code").startsWith(regionPrefix)) {
          schools.add(new SchoolSummary(r.getString("school_id"), r.getString("name"), r.getString("region_code"),
              r.getString("type"), r.getDouble("lat"), r.getDouble("lon"), r.getString("posture"),
              r.getSet("open_ids", String.class).size(), r.getSet("evacuation_months", String.class),
              r.getSet("open_exercise_ids", String.class).size()));
          if (schools.size() == limit) {
            return new Page<>(schools, r.getString("school_id"));
          }
        }
      }
      return new Page<>(schools, null);
    });
  }

  /**
   * An agency's dispatch history, newest first, as far as {@code filter} admits it.
   *
   * @throws IllegalArgumentException when the cursor is not one handed out for this query
   */
  public CompletionStage<Page<DispatchRecord>> dispatches(String agencyId, DispatchFilter filter, int limit,
      String cursor) {
    String scope = filter.query(agencyId);
    Optional<Cursor> from = cursors.decode(cursor, scope);
    String query = "SELECT * FROM " + ks + ".dispatches_by_agency WHERE agency_id = ?";
    var values = new ArrayList<Object>(List.of(agencyId));
    if (from.isPresent() && from.get().at() != null) {
      query += " AND notified_at <= ?";
      values.add(from.get().at());
    }
    int budget = limit * SCAN_FACTOR;
    return session.selectAll(query + " LIMIT " + (budget + 1), values.toArray()).thenCompose(rows -> {
      var indexed = new ArrayList<DispatchRecord>();
      for (Row r : rows) {
        var record = new DispatchRecord(r.getString("agency_id"), r.getString("incident_id"), r.getString("school_id"),
            r.getString("school_name"), r.getString("region_code"), r.getString("type"), r.getString("level"),
            r.getString("mode"), r.getString("incident_status"), r.getString("state"), r.getInstant("notified_at"),
            r.getInstant("deadline"), r.getInstant("ack_at"));
        if (from.isEmpty() || from.get().isAfter(record.notifiedAt(), record.incidentId())) {
          indexed.add(record);
        }
      }
      var admitted = indexed.stream().filter(filter::admits).limit(limit).toList();
      return rows(admitted.stream().map(DispatchRecord::incidentId).distinct().toList()).thenApply(current -> {
        var records = new ArrayList<DispatchRecord>();
        int scanned = 0;
        for (DispatchRecord record : indexed) {
          scanned++;
          if (filter.admits(record)) {
            // The incident's status and level as they are now, from its row.
            IncidentRow row = current.get(record.incidentId());
            records.add(row == null ? record : new DispatchRecord(record.agencyId(), record.incidentId(),
                record.schoolId(), record.schoolName(), record.regionCode(), record.type(), row.level(), record.mode(),
                row.status().name(), record.state(), record.notifiedAt(), record.deadline(), record.ackAt()));
          }
          if (records.size() == limit || scanned >= budget) {
            return new Page<>(records, cursors.encode(new Cursor(null, record.notifiedAt(), record.incidentId()), scope));
          }
        }
        return new Page<>(records, null);
      });
    });
  }
}
