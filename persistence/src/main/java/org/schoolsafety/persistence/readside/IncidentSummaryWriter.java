package org.schoolsafety.persistence.readside;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.schoolsafety.hub.incident.IncidentEvent;
import org.schoolsafety.hub.incident.IncidentEvent.Reported;
import org.schoolsafety.hub.incident.Casualties;
import org.schoolsafety.hub.reporting.ReportingFacts;
import org.schoolsafety.persistence.readside.IncidentRow.DispatchRow;

/**
 * Projection handler for incident events, in groups: the events of one incident in a group are
 * folded into its {@link IncidentRow} (loaded once, or known from the group before) and written
 * once — the row itself, the index rows when the incident is new (its region prefixes by day
 * and among the open ones, and its school's open incidents) or has ended (out of both), and
 * only the dispatches that changed. Nothing is asked of the live entities: a rebuild wakes no incident. Replays are
 * harmless: events at or below a row's {@code lastSeq} are skipped and every write is an upsert.
 */
final class IncidentSummaryWriter extends Handler<List<EventEnvelope<IncidentEvent>>> {

  static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private static final TypeReference<List<DispatchRow>> DISPATCHES = new TypeReference<>() {};
  /** Rows this handler wrote lately: it is the only writer of its incidents' rows. */
  private static final int REMEMBERED = 10_000;

  private static final String INDEX_COLUMNS = "school_id, school_name, region_code, type, level, mode, status, "
      + "updated_at, notified, acknowledged, escalated, unanswered, drill_id";

  private final CassandraSession session;
  private final String ks;
  private final Map<String, IncidentRow> remembered = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, IncidentRow> eldest) {
      return size() > REMEMBERED;
    }
  };
  /** This slice's open counts (OpenCounts) as they are in the table, by prefix and mode; loaded when first needed. */
  private final Map<OpenCounts.Key, OpenCounts.Row> counts = new HashMap<>();
  /** The prefixes whose count rows {@link #counts} holds (all of them, for its modes). */
  private final Set<String> countsLoaded = new HashSet<>();
  /** The tag this handler projects: its count rows are its own. */
  private final String slice;
  private Statements statements;

  private record Statements(PreparedStatement selectRow, PreparedStatement upsertRow, PreparedStatement upsertDay,
      PreparedStatement upsertOpen, PreparedStatement deleteOpen, PreparedStatement upsertDispatch,
      PreparedStatement schoolOpened, PreparedStatement schoolExerciseOpened, PreparedStatement schoolEnded,
      PreparedStatement selectCounts, PreparedStatement upsertCounts) {}

  /** {@code slice}: the tag whose events this handler folds (one handler per tag at a time). */
  IncidentSummaryWriter(CassandraSession session, String keyspace, String slice) {
    this.session = session;
    this.ks = keyspace;
    this.slice = slice;
  }

  @Override
  public CompletionStage<Done> start() {
    remembered.clear();
    counts.clear();
    countsLoaded.clear();
    var select = session.prepare("SELECT * FROM " + ks + ".incident_summaries WHERE incident_id = ?");
    var row = session.prepare("INSERT INTO " + ks + ".incident_summaries (incident_id, school_id, school_name, "
        + "region_code, type, level, mode, drill_id, reported_at, updated_at, resolved, ending, dispatches, last_seq, "
        + "reporting, casualties) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    var day = session.prepare("INSERT INTO " + ks + ".incidents_by_region_day (region_prefix, day, reported_at, "
        + "incident_id, " + INDEX_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    var open = session.prepare("INSERT INTO " + ks + ".open_incidents_by_region (region_prefix, reported_at, "
        + "incident_id, " + INDEX_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    var closeOpen = session.prepare("DELETE FROM " + ks + ".open_incidents_by_region WHERE region_prefix = ? "
        + "AND reported_at = ? AND incident_id = ?");
    var dispatch = session.prepare("INSERT INTO " + ks + ".dispatches_by_agency (agency_id, notified_at, incident_id, "
        + "school_id, school_name, region_code, type, level, mode, incident_status, state, deadline, ack_at) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    String school = " WHERE province = ? AND school_id = ?";
    var opened = session.prepare("UPDATE " + ks + ".schools_by_province SET open_ids = open_ids + ?" + school);
    var exercise = session.prepare("UPDATE " + ks + ".schools_by_province SET open_exercise_ids = open_exercise_ids + ?"
        + school);
    var ended = session.prepare("UPDATE " + ks + ".schools_by_province SET open_ids = open_ids - ?, "
        + "open_exercise_ids = open_exercise_ids - ?" + school);
    var selectCounts = session.prepare("SELECT mode, levels, dispatches, last_offset FROM " + ks
        + ".open_incident_counts WHERE region_prefix = ? AND slice = ?");
    var upsertCounts = session.prepare("INSERT INTO " + ks + ".open_incident_counts (region_prefix, slice, mode, "
        + "levels, dispatches, last_offset) VALUES (?, ?, ?, ?, ?, ?)");
    var all = List.of(select, row, day, open, closeOpen, dispatch, opened, exercise, ended, selectCounts, upsertCounts);
    return CompletableFuture.allOf(all.stream().map(CompletionStage::toCompletableFuture)
            .toArray(CompletableFuture[]::new))
        .thenApply(done -> {
          var p = all.stream().map(stage -> stage.toCompletableFuture().join()).toList();
          statements = new Statements(p.get(0), p.get(1), p.get(2), p.get(3), p.get(4), p.get(5), p.get(6), p.get(7),
              p.get(8), p.get(9), p.get(10));
          return Done.getInstance();
        });
  }

  @Override
  public CompletionStage<Done> process(List<EventEnvelope<IncidentEvent>> envelopes) {
    var byIncident = new LinkedHashMap<String, List<EventEnvelope<IncidentEvent>>>();
    for (var envelope : envelopes) {
      byIncident.computeIfAbsent(envelope.event().incidentId(), id -> new ArrayList<>()).add(envelope);
    }
    Offset upTo = envelopes.get(envelopes.size() - 1).offset();
    var loads = byIncident.entrySet().stream()
        .map(e -> load(e.getKey(), e.getValue()).toCompletableFuture())
        .toList();
    return CompletableFuture.allOf(loads.toArray(CompletableFuture[]::new)).thenCompose(loaded -> {
      var folded = new ArrayList<IncidentRow[]>();
      var deltas = new ArrayList<OpenCounts.Delta>();
      int i = 0;
      for (var events : byIncident.values()) {
        IncidentRow before = loads.get(i++).join();
        folded.add(new IncidentRow[] {before, fold(before, events, deltas)});
      }
      // Counts first: an incident row written ahead of them would hide its change from a replay.
      return counted(deltas, upTo).thenCompose(done -> CompletableFuture.allOf(folded.stream()
          .map(rows -> write(rows[0], rows[1]).toCompletableFuture())
          .toArray(CompletableFuture[]::new)));
    }).thenApply(done -> Done.getInstance());
  }

  /** The row as the incident's earlier events left it, or null when this group starts the incident. */
  private CompletionStage<IncidentRow> load(String incidentId, List<EventEnvelope<IncidentEvent>> events) {
    IncidentRow known = remembered.get(incidentId);
    if (known != null) {
      return CompletableFuture.completedFuture(known);
    }
    if (events.get(0).sequenceNr() == 1 && events.get(0).event() instanceof Reported) {
      return CompletableFuture.completedFuture(null);
    }
    return session.selectOne(statements.selectRow().bind(incidentId))
        .thenApply(row -> row.map(IncidentSummaryWriter::read).orElse(null));
  }

  /** The row after {@code events}; what each event changed in the open counts goes to {@code deltas}. */
  private static IncidentRow fold(IncidentRow before, List<EventEnvelope<IncidentEvent>> events,
      List<OpenCounts.Delta> deltas) {
    IncidentRow row = before;
    for (var envelope : events) {
      IncidentRow next = row == null ? IncidentRow.first(envelope.event(), envelope.sequenceNr())
          : row.apply(envelope.event(), envelope.sequenceNr());
      OpenCounts.Delta delta = OpenCounts.delta(row, next, envelope.offset());
      if (delta != null) {
        deltas.add(delta);
      }
      row = next;
    }
    return row;
  }

  /** Loads the count rows the deltas touch, counts them in and writes the rows that changed. */
  private CompletionStage<Done> counted(List<OpenCounts.Delta> deltas, Offset upTo) {
    if (deltas.isEmpty()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    var prefixes = new TreeSet<String>();
    deltas.forEach(d -> prefixes.addAll(OpenCounts.prefixes(d.regionCode())));
    var loads = prefixes.stream()
        .filter(prefix -> !countsLoaded.contains(prefix))
        .map(prefix -> session.selectAll(statements.selectCounts().bind(prefix, slice)).thenAccept(rows -> {
          countsLoaded.add(prefix);
          for (Row r : rows) {
            counts.put(new OpenCounts.Key(prefix, r.getString("mode")), OpenCounts.Row.of(
                r.getMap("levels", String.class, Integer.class), r.getMap("dispatches", String.class, Integer.class),
                OpenCounts.decode(r.getString("last_offset"))));
          }
        }).toCompletableFuture())
        .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(loads).thenCompose(loaded -> {
      var known = new HashMap<>(counts);
      deltas.forEach(d -> d.keys().forEach(k -> known.putIfAbsent(k, OpenCounts.Row.empty())));
      Map<OpenCounts.Key, OpenCounts.Row> changed = OpenCounts.apply(known, deltas, upTo);
      var writes = changed.entrySet().stream().map(e -> session.executeWrite(statements.upsertCounts().bind(
              e.getKey().prefix(), slice, e.getKey().mode(), e.getValue().levels(), e.getValue().dispatches(),
              OpenCounts.encode(upTo))).toCompletableFuture())
          .toArray(CompletableFuture[]::new);
      return CompletableFuture.allOf(writes).whenComplete((done, failure) -> {
        if (failure == null) {
          counts.putAll(changed);
        } else {
          // Not known what reached the table: read it again next time.
          changed.keySet().forEach(k -> {
            countsLoaded.remove(k.prefix());
            counts.keySet().removeIf(key -> key.prefix().equals(k.prefix()));
          });
        }
      }).thenApply(done -> Done.getInstance());
    });
  }

  private CompletionStage<Done> write(IncidentRow before, IncidentRow after) {
    if (after == null || after.equals(before)) {
      return CompletableFuture.completedFuture(Done.getInstance()); // a replay, or nothing to fold into
    }
    var writes = new ArrayList<CompletionStage<Done>>();
    writes.add(session.executeWrite(statements.upsertRow().bind(after.incidentId(), after.schoolId(),
        after.schoolName(), after.regionCode(), after.type(), after.level(), after.mode(), after.drillId(),
        after.reportedAt(), after.updatedAt(), after.resolved(), after.ending(), json(after.dispatches()),
        after.lastSeq(), after.reporting() == null ? null : json(after.reporting()),
        after.casualties() == null ? null : json(after.casualties()))));
    boolean isNew = before == null;
    boolean wasOpen = isNew || before.status().isActive();
    boolean isOpen = after.status().isActive();
    if (isNew || wasOpen != isOpen) {
      writes.addAll(index(after, isNew, isOpen));
      writes.add(schoolList(after, isOpen));
    }
    for (DispatchRow d : after.dispatches()) {
      // Lists read the incident's status and level from its row: a dispatch row changes with its own state only.
      if (isNew || !before.dispatches().contains(d)) {
        DispatchRecord r = after.record(d);
        writes.add(session.executeWrite(statements.upsertDispatch().bind(r.agencyId(), r.notifiedAt(), r.incidentId(),
            r.schoolId(), r.schoolName(), r.regionCode(), r.type(), r.level(), r.mode(), r.incidentStatus(), r.state(),
            r.deadline(), r.ackAt())));
      }
    }
    return CompletableFuture.allOf(writes.stream().map(CompletionStage::toCompletableFuture)
        .toArray(CompletableFuture[]::new)).whenComplete((done, failure) -> {
          if (failure == null) {
            remembered.put(after.incidentId(), after);
          } else {
            remembered.remove(after.incidentId());
          }
        }).thenApply(done -> Done.getInstance());
  }

  /**
   * The index rows: by region prefix and day when the incident is new, among the open ones
   * while it is open. They hold the incident's keys and the fields that never change; lists
   * take status, level and counts from the incident's row.
   */
  private List<CompletionStage<Done>> index(IncidentRow row, boolean isNew, boolean isOpen) {
    IncidentSummary s = row.summary();
    var writes = new ArrayList<CompletionStage<Done>>();
    for (String prefix : List.of(s.regionCode().substring(0, 2), s.regionCode().substring(0, 4), s.regionCode())) {
      if (isNew) {
        writes.add(session.executeWrite(statements.upsertDay().bind(prefix,
            s.reportedAt().atZone(ZoneOffset.UTC).toLocalDate(), s.reportedAt(), s.incidentId(), s.schoolId(),
            s.schoolName(), s.regionCode(), s.type(), s.level(), s.mode(), s.status(), s.updatedAt(), s.notified(),
            s.acknowledged(), s.escalated(), s.unanswered(), s.drillId())));
      }
      writes.add(isOpen
          ? session.executeWrite(statements.upsertOpen().bind(prefix, s.reportedAt(), s.incidentId(), s.schoolId(),
              s.schoolName(), s.regionCode(), s.type(), s.level(), s.mode(), s.status(), s.updatedAt(), s.notified(),
              s.acknowledged(), s.escalated(), s.unanswered(), s.drillId()))
          : session.executeWrite(statements.deleteOpen().bind(prefix, s.reportedAt(), s.incidentId())));
    }
    return writes;
  }

  /** The school's open incidents in the list of schools: added when it starts, removed when it ends. */
  private CompletionStage<Done> schoolList(IncidentRow row, boolean isOpen) {
    Set<String> id = Set.of(row.incidentId());
    String province = row.regionCode().substring(0, 2);
    if (!isOpen) {
      return session.executeWrite(statements.schoolEnded().bind(id, id, province, row.schoolId()));
    }
    var add = "EXERCISE".equals(row.mode()) ? statements.schoolExerciseOpened() : statements.schoolOpened();
    return session.executeWrite(add.bind(id, province, row.schoolId()));
  }

  static IncidentRow read(Row r) {
    try {
      return new IncidentRow(r.getString("incident_id"), r.getString("school_id"), r.getString("school_name"),
          r.getString("region_code"), r.getString("type"), r.getString("level"), r.getString("mode"),
          r.getString("drill_id"), r.getInstant("reported_at"), r.getInstant("updated_at"), r.getBoolean("resolved"),
          r.getString("ending"), JSON.readValue(r.getString("dispatches"), DISPATCHES), r.getLong("last_seq"),
          reporting(r.getString("reporting")), casualties(r.getString("casualties")));
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable incident row " + r.getString("incident_id"), e);
    }
  }

  /** Rows written before issue 18 have no reporting facts (null). */
  static ReportingFacts reporting(String json) throws IOException {
    return json == null ? null : JSON.readValue(json, ReportingFacts.class);
  }

  /** Rows folded before the casualty figures were kept have none (null). */
  static Casualties casualties(String json) throws IOException {
    return json == null ? null : JSON.readValue(json, Casualties.class);
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
