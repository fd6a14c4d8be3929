package org.schoolsafety.sim.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the hub recorded about one drill, read back over its API after the drill: the incident
 * read models ({@code GET /api/v1/incidents/{id}}) of every incident in the drill's list, and the
 * drill records of the participating schools.
 *
 * @param incidents      read models, by incident id
 * @param listed         ids the hub's drill list ({@code ?mode=EXERCISE&drillId=}) returned
 * @param listFilter     how the list was narrowed to this drill: {@code hub} (the hub filtered by
 *                       drillId) or {@code client} (an older hub: rows matched to the reports'
 *                       answers)
 * @param unreadable     ids whose read model could not be fetched
 * @param schoolDrills   school id -> that school's drill records carrying this drill id (empty
 *                       when the scenario files none)
 */
public record DrillRecord(
    Map<String, JsonNode> incidents,
    Set<String> listed,
    String listFilter,
    List<String> unreadable,
    Map<String, List<JsonNode>> schoolDrills,
    Instant readAt) {}
