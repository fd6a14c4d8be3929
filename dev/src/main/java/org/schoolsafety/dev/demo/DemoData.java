package org.schoolsafety.dev.demo;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.schoolsafety.edge.HubNode.HubContext;
import org.schoolsafety.edge.api.JsonSupport;
import org.schoolsafety.edge.api.dto.AgencyRequest;
import org.schoolsafety.edge.api.dto.SchoolRequest;
import org.schoolsafety.hub.school.School;
import org.schoolsafety.hub.school.SchoolProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the demo registry (resource {@code demo/demo-data.json}): two provinces, their cities
 * and counties, 20 schools, and agencies of every kind at every tier; then each school's
 * prevention work ({@link DemoPrevention}: inspections and hazards, health checks, trainings,
 * drills, surroundings). It goes through the same validation and entities as the HTTP API;
 * loading again what is already there is a no-op.
 */
public final class DemoData {

  private static final Logger log = LoggerFactory.getLogger(DemoData.class);
  public static final String RESOURCE = "demo/demo-data.json";
  /**
   * Bump when the loader writes something new for the same file, so that data directories that
   * remember an earlier registration ({@code demo-loaded}) register again.
   */
  public static final int LOADER_VERSION = 1;
  private static final String BY = "operator:demo-loader";
  private static final int ATTEMPTS = 5;

  public record Region(String code, String name) {}

  public record DemoFile(List<Region> regions, List<SchoolRequest> schools, List<AgencyRequest> agencies,
      List<DemoPrevention.SchoolPrevention> prevention) {}

  /** {@code preventionWritten}: schools whose prevention work was written now (not there yet). */
  public record Loaded(int schools, int agencies, int preventionWritten) {
    public Loaded(int schools, int agencies) {
      this(schools, agencies, 0);
    }
  }

  public static DemoFile read() {
    try (InputStream in = DemoData.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      return JsonSupport.mapper().readValue(in, DemoFile.class);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + RESOURCE, e);
    }
  }

  /** Registers every agency, then every school; completes when all are durable. */
  public static CompletionStage<Loaded> load(HubContext hub) {
    DemoFile demo = read();
    var agencies = new ArrayList<CompletableFuture<?>>();
    for (AgencyRequest a : demo.agencies()) {
      var profile = a.toProfile();
      agencies.add(retry(() -> hub.agencyRegistration().register(profile, BY), profile.agencyId(), hub));
    }
    return CompletableFuture.allOf(agencies.toArray(CompletableFuture[]::new)).thenCompose(done -> {
      var schools = new ArrayList<CompletableFuture<?>>();
      for (SchoolRequest s : demo.schools()) {
        var profile = s.toProfile();
        schools.add(retry(() -> AskPattern.<School.Command, School.State>askWithStatus(
            hub.entities().school(profile.schoolId()),
            r -> new School.Register(profile, BY, r), hub.askTimeout(), hub.system().scheduler()),
            profile.schoolId(), hub));
      }
      return CompletableFuture.allOf(schools.toArray(CompletableFuture[]::new))
          .thenCompose(all -> loadPrevention(hub, demo))
          .thenApply(written -> new Loaded(demo.schools().size(), demo.agencies().size(), written));
    });
  }

  /** Every school's prevention work at once (each school's items in order); how many schools got it now. */
  private static CompletionStage<Integer> loadPrevention(HubContext hub, DemoFile demo) {
    var prevention = new DemoPrevention(hub);
    var profiles = new HashMap<String, SchoolProfile>();
    demo.schools().forEach(s -> profiles.put(s.schoolId(), s.toProfile()));
    var written = new ArrayList<CompletableFuture<Boolean>>();
    for (var work : demo.prevention() == null ? List.<DemoPrevention.SchoolPrevention>of() : demo.prevention()) {
      SchoolProfile profile = profiles.get(work.schoolId());
      if (profile == null) {
        throw new IllegalStateException("demo data: prevention work for unknown school " + work.schoolId());
      }
      written.add(retry(() -> prevention.load(work, profile), "the prevention work of " + work.schoolId(), hub));
    }
    return CompletableFuture.allOf(written.toArray(CompletableFuture[]::new))
        .thenApply(all -> (int) written.stream().filter(CompletableFuture::join).count());
  }

  /** The first writes after a fresh start create keyspaces and tables and may time out: retry. */
  private static <T> CompletableFuture<T> retry(Supplier<CompletionStage<T>> attempt, String what, HubContext hub) {
    CompletableFuture<T> result = new CompletableFuture<>();
    tryOnce(attempt, what, 1, result, hub);
    return result;
  }

  private static <T> void tryOnce(Supplier<CompletionStage<T>> attempt, String what, int n,
      CompletableFuture<T> result, HubContext hub) {
    attempt.get().whenComplete((value, failure) -> {
      if (failure == null) {
        result.complete(value);
      } else if (n >= ATTEMPTS) {
        result.completeExceptionally(new IllegalStateException("demo data: cannot register " + what, failure));
      } else {
        log.info("demo data: registering {} failed ({}); retrying", what, failure.getMessage());
        hub.system().scheduler().scheduleOnce(Duration.ofSeconds(1),
            () -> tryOnce(attempt, what, n + 1, result, hub), hub.system().executionContext());
      }
    });
  }

  private DemoData() {}
}
