package org.schoolsafety.sim.report;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.schoolsafety.sim.hub.ClientStats;
import org.schoolsafety.sim.scenario.Scenario;

/**
 * What the simulator knows about the drill it ran: used to label the report and to cross-check
 * the hub's records (missing incidents), never as a source of the figures.
 *
 * @param start          the drill's time zero (drill time = (hub timestamp - start) x timeScale)
 * @param created        ids of the incidents the hub accepted (201/200) during the drill
 * @param reportsFailed  planned reports the hub never accepted
 */
public record DrillMeta(
    String drillId,
    Scenario scenario,
    String hub,
    double speed,
    long seed,
    Instant start,
    Instant end,
    double wallSeconds,
    List<String> schools,
    int provisionedSchools,
    int plannedIncidents,
    int plannedRequests,
    Set<String> created,
    int reportsFailed,
    ClientStats client) {}
