package org.schoolsafety.sim.history;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.schoolsafety.sim.hub.HubHttp;

/**
 * A history scenario ({@code "kind": "history"} in {@code sim/scenarios}): which regions' schools
 * get how many months of history, from which seed, with how many calls at once.
 */
public record HistoryScenario(String name, String description, List<String> regions, int months, long seed,
    int concurrency) {

  private static final Set<String> FIELDS = Set.of("name", "kind", "description", "regions", "months", "seed",
      "concurrency");

  public HistoryScenario {
    if (months < 1 || months > 24) {
      throw new IllegalArgumentException("months must be between 1 and 24, not " + months);
    }
    if (concurrency < 1 || concurrency > 64) {
      throw new IllegalArgumentException("concurrency must be between 1 and 64, not " + concurrency);
    }
    for (String region : regions) {
      if (!region.matches("[0-9]{2}([0-9]{2}([0-9]{2})?)?")) {
        throw new IllegalArgumentException("regions: '" + region + "' is not a region code prefix (2, 4 or 6 digits)");
      }
    }
    regions = List.copyOf(regions);
  }

  public static boolean isHistory(Path file) {
    try {
      JsonNode root = HubHttp.JSON.readTree(file.toFile());
      return root.path("kind").asText("").equals("history");
    } catch (IOException e) {
      return false;
    }
  }

  public static HistoryScenario read(Path file) {
    JsonNode root;
    try {
      root = HubHttp.JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    root.fieldNames().forEachRemaining(f -> {
      if (!FIELDS.contains(f)) {
        throw new IllegalArgumentException(file + ": unknown field '" + f + "' (known: " + FIELDS + ")");
      }
    });
    var regions = new ArrayList<String>();
    root.path("regions").forEach(r -> regions.add(r.asText()));
    if (regions.isEmpty()) {
      throw new IllegalArgumentException(file + ": regions must name at least one region code prefix");
    }
    return new HistoryScenario(root.path("name").asText(file.getFileName().toString()),
        root.path("description").asText(""), regions, root.path("months").asInt(6), root.path("seed").asLong(18),
        root.path("concurrency").asInt(8));
  }

  public HistoryScenario withMonths(int other) {
    return new HistoryScenario(name, description, regions, other, seed, concurrency);
  }

  public HistoryScenario withSeed(long other) {
    return new HistoryScenario(name, description, regions, months, other, concurrency);
  }

  public String describe() {
    return "history " + name + ": ok — " + months + " months before the current one (and the current one so far) for the"
        + " schools of " + regions + ", seed " + seed + ", " + concurrency + " calls at once";
  }
}
