package org.schoolsafety.persistence.readside;

import com.datastax.oss.driver.api.core.servererrors.QueryValidationException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.projection.cassandra.javadsl.CassandraProjection;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * The read side's query tables (CQL also in {@code schema/read-side.cql} for production, where
 * {@code SchemaFilesTest} keeps the two alike).
 * Rows are keyed so that every write is an idempotent upsert: replays after a projection
 * restart cannot duplicate anything.
 */
public final class ReadSideSchema {

  private ReadSideSchema() {}

  static List<String> statements(String ks) {
    return List.of(
        "CREATE TABLE IF NOT EXISTS " + ks + ".incidents_by_region_day ("
            + "region_prefix text, day date, reported_at timestamp, incident_id text, "
            + "school_id text, school_name text, region_code text, type text, level text, mode text, "
            + "status text, updated_at timestamp, notified int, acknowledged int, escalated int, unanswered int, "
            + "drill_id text, "
            + "PRIMARY KEY ((region_prefix, day), reported_at, incident_id)) "
            + "WITH CLUSTERING ORDER BY (reported_at DESC, incident_id ASC)",
        "CREATE TABLE IF NOT EXISTS " + ks + ".open_incidents_by_region ("
            + "region_prefix text, reported_at timestamp, incident_id text, "
            + "school_id text, school_name text, region_code text, type text, level text, mode text, "
            + "status text, updated_at timestamp, notified int, acknowledged int, escalated int, unanswered int, "
            + "drill_id text, "
            + "PRIMARY KEY ((region_prefix), reported_at, incident_id)) "
            + "WITH CLUSTERING ORDER BY (reported_at DESC, incident_id ASC)",
        "CREATE TABLE IF NOT EXISTS " + ks + ".dispatches_by_agency ("
            + "agency_id text, notified_at timestamp, incident_id text, school_id text, school_name text, "
            + "region_code text, type text, level text, mode text, incident_status text, state text, "
            + "deadline timestamp, ack_at timestamp, "
            + "PRIMARY KEY ((agency_id), notified_at, incident_id)) "
            + "WITH CLUSTERING ORDER BY (notified_at DESC, incident_id ASC)",
        "CREATE TABLE IF NOT EXISTS " + ks + ".schools_by_province ("
            + "province text, school_id text, name text, region_code text, type text, "
            + "lat double, lon double, posture text, open_incidents int, evacuation_months set<text>, "
            + "open_ids set<text>, open_exercise_ids set<text>, staff int, "
            + "PRIMARY KEY ((province), school_id))",
        "CREATE TABLE IF NOT EXISTS " + ks + ".school_provinces (school_id text PRIMARY KEY, province text)",
        "CREATE TABLE IF NOT EXISTS " + ks + ".incident_summaries ("
            + "incident_id text PRIMARY KEY, school_id text, school_name text, region_code text, type text, "
            + "level text, mode text, drill_id text, reported_at timestamp, updated_at timestamp, resolved boolean, "
            + "ending text, dispatches text, last_seq bigint, reporting text, casualties text)",
        "CREATE TABLE IF NOT EXISTS " + ks + ".open_incident_counts ("
            + "region_prefix text, slice text, mode text, levels map<text, int>, dispatches map<text, int>, "
            + "last_offset text, "
            + "PRIMARY KEY ((region_prefix), slice, mode))",
        // prevention (issue 15): hazards, risk scores and warnings, from the hazards' and
        // prevention records' events (PreventionWriter)
        "CREATE TABLE IF NOT EXISTS " + ks + ".hazards_by_province ("
            + "province text, hazard_id text, " + HAZARD_COLUMNS + ", "
            + "PRIMARY KEY ((province), hazard_id))",
        "CREATE TABLE IF NOT EXISTS " + ks + ".hazards_by_school ("
            + "school_id text, hazard_id text, province text, " + HAZARD_COLUMNS.replace("school_id text, ", "") + ", "
            + "PRIMARY KEY ((school_id), hazard_id))",
        "CREATE TABLE IF NOT EXISTS " + ks + ".risk_by_province ("
            + "province text, school_id text, school_name text, region_code text, overall double, level text, "
            + "dimensions map<text, double>, factors text, computed_at timestamp, "
            + "PRIMARY KEY ((province), school_id))",
        "CREATE TABLE IF NOT EXISTS " + ks + ".risk_history ("
            + "school_id text, computed_at timestamp, overall double, level text, dimensions map<text, double>, "
            + "PRIMARY KEY ((school_id), computed_at)) WITH CLUSTERING ORDER BY (computed_at DESC)",
        "CREATE TABLE IF NOT EXISTS " + ks + ".warnings_by_province ("
            + "province text, warning_id text, school_id text, school_name text, region_code text, cause text, "
            + "cause_id text, level text, summary text, audience text, state text, raised_at timestamp, "
            + "acknowledged_at timestamp, acknowledged_by text, cleared_at timestamp, cleared_because text, "
            + "incident_id text, "
            + "PRIMARY KEY ((province), warning_id))",
        // training coverage per region (issue 15), from the prevention records' training events
        "CREATE TABLE IF NOT EXISTS " + ks + ".trainings_by_province ("
            + "province text, school_id text, training_id text, school_name text, region_code text, staff int, "
            + "day date, topic text, audience text, participants int, hours double, "
            + "PRIMARY KEY ((province), school_id, training_id))",
        // the list of directives, from their issued, revised and lifted events (DirectiveListWriter)
        "CREATE TABLE IF NOT EXISTS " + ks + ".directives_by_province ("
            + "province text, directive_id text, scope text, posture text, mode text, instruction text, "
            + "schools int, school_regions set<text>, issued_at timestamp, issued_by text, source text, "
            + "revised_at timestamp, lifted_at timestamp, lifted_by text, lift_reason text, "
            + "PRIMARY KEY ((province), directive_id))",
        "CREATE TABLE IF NOT EXISTS " + ks + ".directive_provinces (directive_id text PRIMARY KEY, provinces set<text>)",
        // safety spending (issue 18), from the schools' spending records (InvestmentWriter)
        "CREATE TABLE IF NOT EXISTS " + ks + ".investments_by_province ("
            + "province text, year int, school_id text, investment_id text, region_code text, date date, "
            + "category text, amount_fen bigint, hazard_id text, programme text, recorded_at timestamp, "
            + "PRIMARY KEY ((province, year), school_id, investment_id))",
        // the tips queue per region (issue 17), metadata only, never a tip's text (TipQueueWriter)
        "CREATE TABLE IF NOT EXISTS " + ks + ".tips_by_province ("
            + "province text, tip_id text, school_id text, school_name text, region_code text, category text, "
            + "priority text, status text, received_at timestamp, deadline timestamp, overdue boolean, "
            + "triaged_at timestamp, triage_due timestamp, "
            + "PRIMARY KEY ((province), tip_id))",
        "CREATE TABLE IF NOT EXISTS " + ks + ".devices_by_province ("
            + "province text, school_id text, device_id text, kind text, registered_at timestamp, state text, "
            + "changed_at timestamp, PRIMARY KEY ((province), school_id, device_id))",
        "CREATE TABLE IF NOT EXISTS " + ks + ".tip_provinces ("
            + "tip_id text PRIMARY KEY, province text)",
        // guardian notices a directive caused (issue 17): one row per posture a directive set or
        // released at a school, from the schools' PostureDirected events (SchoolRegistryWriter)
        "CREATE TABLE IF NOT EXISTS " + ks + ".guardian_notices_by_directive ("
            + "directive_id text, school_id text, seq bigint, posture text, at timestamp, "
            + "PRIMARY KEY ((directive_id), school_id, seq))");
  }

  static final String HAZARD_COLUMNS = "school_id text, school_name text, region_code text, inspection_id text, "
      + "category text, severity text, status text, location text, description text, deadline timestamp, "
      + "recorded_at timestamp, overdue_at timestamp, rectified_at timestamp, verified_at timestamp";

  /** The query tables' names, as {@link #statements} creates them. */
  public static List<String> tableNames() {
    var name = java.util.regex.Pattern.compile("^CREATE TABLE IF NOT EXISTS ks\\.(\\w+) ");
    return statements("ks").stream().map(ddl -> {
      var m = name.matcher(ddl);
      if (!m.find()) {
        throw new IllegalStateException("not a CREATE TABLE: " + ddl);
      }
      return m.group(1);
    }).toList();
  }

  /** Columns added after the first release: tables created before them get them added. */
  static List<String> additions(String ks) {
    return List.of(
        "ALTER TABLE " + ks + ".incidents_by_region_day ADD drill_id text",
        "ALTER TABLE " + ks + ".open_incidents_by_region ADD drill_id text",
        "ALTER TABLE " + ks + ".schools_by_province ADD evacuation_months set<text>",
        "ALTER TABLE " + ks + ".schools_by_province ADD open_ids set<text>",
        "ALTER TABLE " + ks + ".schools_by_province ADD open_exercise_ids set<text>",
        "ALTER TABLE " + ks + ".schools_by_province ADD staff int",
        "ALTER TABLE " + ks + ".warnings_by_province ADD incident_id text",
        "ALTER TABLE " + ks + ".incident_summaries ADD reporting text",
        // issue 18: the rectification plan's funding, for GET /api/v1/priorities
        "ALTER TABLE " + ks + ".hazards_by_province ADD funding_yuan bigint",
        "ALTER TABLE " + ks + ".hazards_by_school ADD funding_yuan bigint",
        // issue 18: students, for incidents per 1,000 students in GET /api/v1/cost-benefit
        "ALTER TABLE " + ks + ".schools_by_province ADD students int",
        // issue 18: the first triage and the deadline it had to meet, for tips answered in time
        // issue 18: the latest casualty figures, for casualties per 1,000 students in cost-benefit
        "ALTER TABLE " + ks + ".incident_summaries ADD casualties text",
        "ALTER TABLE " + ks + ".tips_by_province ADD triaged_at timestamp",
        "ALTER TABLE " + ks + ".tips_by_province ADD triage_due timestamp");
  }

  /** Between two sends of a schema statement that failed for the moment. */
  private static final Duration RETRY_PAUSE = Duration.ofMillis(250);

  /** Dev and tests: keyspace, query tables and the projections' offset tables. */
  public static void create(ActorSystem<?> system, CassandraSession session, String keyspace) {
    // Schema changes can outlast the driver's request timeout on a busy or freshly started node
    // (several nodes starting at once), or lose their connection (a heartbeat that Cassandra did not
    // answer within 5 s closes it: CI, 2026-12-02): such a statement is simply sent again (CREATE
    // ... IF NOT EXISTS is idempotent, and an ALTER that did go through answers "already exists").
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    try {
      retrying(deadline, () -> session.executeDDL("CREATE KEYSPACE IF NOT EXISTS " + keyspace
          + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"));
      // All at once: the driver completes each schema change only after its (debounced, ~1 s)
      // metadata refresh, so one after the other took ~1 s a table, ~25 s for every node start
      // in dev and in each test class. The tables are independent; the node applies the changes
      // one by one anyway.
      allAtOnce(deadline, session, statements(keyspace), false);
      // An ALTER that fails means the column exists (the table was created with it, or a
      // timed-out ALTER did go through).
      allAtOnce(deadline, session, additions(keyspace), true);
      retrying(deadline, () -> CassandraProjection.createTablesIfNotExists(system));
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the read-side tables in " + keyspace + ": " + e, e);
    }
  }

  private static void allAtOnce(Instant deadline, CassandraSession session, List<String> ddls, boolean mayFail)
      throws Exception {
    var sent = new LinkedHashMap<String, CompletableFuture<Done>>();
    for (String ddl : ddls) {
      sent.put(ddl, session.executeDDL(ddl).toCompletableFuture());
    }
    for (var each : sent.entrySet()) {
      try {
        try {
          each.getValue().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!isTransient(e)) {
            throw e;
          }
          retrying(deadline, () -> session.executeDDL(each.getKey()));
        }
      } catch (ExecutionException failed) {
        if (!mayFail) {
          throw failed;
        }
      }
    }
  }

  private static void retrying(Instant deadline, Supplier<CompletionStage<Done>> ddl) throws Exception {
    while (true) {
      try {
        ddl.get().toCompletableFuture().get(60, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        if (!isTransient(e) || Instant.now().isAfter(deadline)) {
          throw e;
        }
        Thread.sleep(RETRY_PAUSE.toMillis()); // a lost connection fails at once until it is back
      }
    }
  }

  /**
   * What Cassandra refused as a statement (syntax, an ALTER of a column that exists) fails the same
   * way when sent again; anything else (timeouts, closed connections, no node answering, overload)
   * is the moment's.
   */
  static boolean isTransient(ExecutionException failure) {
    return !(failure.getCause() instanceof QueryValidationException);
  }
}
