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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.schoolsafety.hub.incident.IncidentEvent;
import org.schoolsafety.hub.incident.IncidentEvent.Reported;
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
  private Statements statements;

  private record Statements(PreparedStatement selectRow, PreparedStatement upsertRow, PreparedStatement upsertDay,
      PreparedStatement upsertOpen, PreparedStatement deleteOpen, PreparedStatement upsertDispatch,
      PreparedStatement schoolOpened, PreparedStatement schoolExerciseOpened, PreparedStatement schoolEnded) {}

  IncidentSummaryWriter(CassandraSession session, String keyspace) {
    this.session = session;
    this.ks = keyspace;
  }

  @Override
  public CompletionStage<Done> start() {
    var select = session.prepare("SELECT * FROM " + ks + ".incident_summaries WHERE incident_id = ?");
    var row = session.prepare("INSERT INTO " + ks + ".incident_summaries (incident_id, school_id, school_name, "
        + "region_code, type, level, mode, drill_id, reported_at, updated_at, resolved, ending, dispatches, last_seq) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
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
    var all = List.of(select, row, day, open, closeOpen, dispatch, opened, exercise, ended);
    return CompletableFuture.allOf(all.stream().map(CompletionStage::toCompletableFuture)
            .toArray(CompletableFuture[]::new))
        .thenApply(done -> {
          var p = all.stream().map(stage -> stage.toCompletableFuture().join()).toList();
          statements = new Statements(p.get(0), p.get(1), p.get(2), p.get(3), p.get(4), p.get(5), p.get(6), p.get(7),
              p.get(8));
          return Done.getInstance();
        });
  }

  @Override
  public CompletionStage<Done> process(List<EventEnvelope<IncidentEvent>> envelopes) {
    var byIncident = new LinkedHashMap<String, List<EventEnvelope<IncidentEvent>>>();
    for (var envelope : envelopes) {
      byIncident.computeIfAbsent(envelope.event().incidentId(), id -> new ArrayList<>()).add(envelope);
    }
    var writes = byIncident.entrySet().stream()
        .map(e -> load(e.getKey(), e.getValue()).thenCompose(before -> write(before, fold(before, e.getValue()))))
        .map(CompletionStage::toCompletableFuture)
        .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(writes).thenApply(done -> Done.getInstance());
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

  private static IncidentRow fold(IncidentRow before, List<EventEnvelope<IncidentEvent>> events) {
    IncidentRow row = before;
    for (var envelope : events) {
      row = row == null ? IncidentRow.first(envelope.event(), envelope.sequenceNr())
          : row.apply(envelope.event(), envelope.sequenceNr());
    }
    return row;
  }

  private CompletionStage<Done> write(IncidentRow before, IncidentRow after) {
    if (after == null || after.equals(before)) {
      return CompletableFuture.completedFuture(Done.getInstance()); // a replay, or nothing to fold into
    }
    var writes = new ArrayList<CompletionStage<Done>>();
    writes.add(session.executeWrite(statements.upsertRow().bind(after.incidentId(), after.schoolId(),
        after.schoolName(), after.regionCode(), after.type(), after.level(), after.mode(), after.drillId(),
        after.reportedAt(), after.updatedAt(), after.resolved(), after.ending(), json(after.dispatches()),
        after.lastSeq())));
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
    remembered.put(after.incidentId(), after);
    return CompletableFuture.allOf(writes.stream().map(CompletionStage::toCompletableFuture)
        .toArray(CompletableFuture[]::new)).thenApply(done -> Done.getInstance());
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
          r.getString("ending"), JSON.readValue(r.getString("dispatches"), DISPATCHES), r.getLong("last_seq"));
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable incident row " + r.getString("incident_id"), e);
    }
  }

  private static String json(List<DispatchRow> dispatches) {
    try {
      return JSON.writeValueAsString(dispatches);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
