package org.schoolsafety.dev.demo;

import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.pattern.StatusReply;
import org.schoolsafety.edge.HubNode.HubContext;
import org.schoolsafety.edge.api.dto.DrillRequest;
import org.schoolsafety.edge.api.dto.PreventionRequests.HazardBody;
import org.schoolsafety.edge.api.dto.PreventionRequests.HealthCheckRequest;
import org.schoolsafety.edge.api.dto.PreventionRequests.InspectionRequest;
import org.schoolsafety.edge.api.dto.PreventionRequests.Inspector;
import org.schoolsafety.edge.api.dto.PreventionRequests.Plan;
import org.schoolsafety.edge.api.dto.PreventionRequests.SurroundingRequest;
import org.schoolsafety.edge.api.dto.PreventionRequests.TrainingRequest;
import org.schoolsafety.hub.hazard.Hazard;
import org.schoolsafety.hub.hazard.HazardCommand;
import org.schoolsafety.hub.hazard.HazardState;
import org.schoolsafety.hub.hazard.HazardStatus;
import org.schoolsafety.hub.hazard.NewHazard;
import org.schoolsafety.hub.prevention.Prevention;
import org.schoolsafety.hub.prevention.SchoolInfo;
import org.schoolsafety.hub.school.School;
import org.schoolsafety.hub.school.SchoolProfile;

/**
 * The demo schools' prevention work (issue 15): surroundings, staff trainings, monthly evacuation
 * drills, a few days of morning health checks and an inspection with its hazards, so that the
 * console shows a spread of risk levels on first start.
 *
 * <p>Dates in the file are relative ({@code daysAgo}, {@code monthsAgo}, a hazard's
 * {@code deadlineInDays} from today, negative when it has passed): an inspection weeks ago whose
 * rectification deadline has gone by is recorded as it would have been then, and its hazard goes
 * overdue as soon as it is opened. Every item goes through the API's own checks ({@code check()}
 * of the request bodies) and the same entities as the API.
 *
 * <p>Written once per school: a school whose prevention record already holds its first demo
 * inspection is left as it is, so restarting the dev node (even days later, when the relative
 * dates would name other days) changes nothing. The inspection is written last, so a load that
 * stopped half-way is completed by the next start.
 */
final class DemoPrevention {

  private static final String BY = "school-staff:demo-loader";

  /** A school's prevention work, dated relative to the day the demo is first loaded. */
  public record SchoolPrevention(String schoolId, List<SurroundingRequest> surroundings, List<DemoTraining> trainings,
      List<DemoDrill> drills, List<DemoHealthCheck> healthChecks, List<DemoInspection> inspections) {}

  public record DemoTraining(String trainingId, int daysAgo, String topic, String audience, int participants,
      double hours) {}

  public record DemoDrill(String drillId, String type, int monthsAgo, int durationMinutes, int participants,
      Integer evacuationSeconds) {}

  public record DemoHealthCheck(int daysAgo, String session, String classId, int present, int absentIll,
      Map<String, Integer> symptoms) {}

  public record DemoInspection(String inspectionId, int daysAgo, Inspector inspector, List<String> areas,
      List<DemoHazard> hazards) {}

  /** A hazard found, its plan's deadline at 18:00 Beijing time {@code deadlineInDays} from today. */
  public record DemoHazard(String category, String severity, String location, String description, String responsible,
      String measures, long fundingYuan, int deadlineInDays, String interimSafeguard, String rectified,
      String verified) {}

  private final HubContext hub;
  private final Clock clock;
  private final LocalDate today;

  DemoPrevention(HubContext hub) {
    this.hub = hub;
    this.clock = hub.clock();
    this.today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
  }

  /** One school's work, item after item; completes at once when the school already has it. */
  CompletionStage<Boolean> load(SchoolPrevention work, SchoolProfile profile) {
    var info = new SchoolInfo(profile.schoolId(), profile.name(), profile.region(), profile.students(), profile.staff());
    var first = work.inspections().get(0).inspectionId();
    return this.<Prevention.Command, Prevention.State>ask(prevention(work.schoolId()), Prevention.Get::new).thenCompose(record -> {
      if (record.inspection(first).isPresent()) {
        return CompletableFuture.completedFuture(false);
      }
      CompletionStage<?> chain = CompletableFuture.completedFuture(null);
      for (SurroundingRequest s : work.surroundings()) {
        var checked = s.check();
        chain = chain.thenCompose(x -> this.<Prevention.Command, Prevention.State>ask(prevention(work.schoolId()),
            r -> new Prevention.DeclareSurrounding(info, checked, BY, r)));
      }
      for (DemoTraining t : work.trainings()) {
        var checked = new TrainingRequest(t.trainingId(), day(t.daysAgo()), t.topic(), t.audience(), t.participants(),
            t.hours()).check(clock);
        chain = chain.thenCompose(x -> this.<Prevention.Command, Prevention.State>ask(prevention(work.schoolId()),
            r -> new Prevention.RecordTraining(info, checked, BY, r)));
      }
      for (DemoDrill d : work.drills()) {
        var checked = new DrillRequest(d.drillId(), d.type(), today.minusMonths(d.monthsAgo()).withDayOfMonth(15).toString(),
            d.durationMinutes(), d.participants(), d.evacuationSeconds()).check(clock);
        chain = chain.thenCompose(x -> this.<School.Command, School.State>ask(school(work.schoolId()), r -> new School.RecordDrill(checked, BY, r)))
            // as the drill endpoint does: the school's prevention record counts evacuation drills
            .thenCompose(x -> AskPattern.<Prevention.Command, Done>ask(prevention(work.schoolId()),
                r -> new Prevention.NoteDrill(checked, r), hub.askTimeout(), hub.system().scheduler()));
      }
      for (DemoHealthCheck c : work.healthChecks()) {
        var checked = new HealthCheckRequest(day(c.daysAgo()), c.session(), c.classId(), c.present(), c.absentIll(),
            c.symptoms()).check(clock);
        chain = chain.thenCompose(x -> this.<Prevention.Command, Prevention.State>ask(prevention(work.schoolId()),
            r -> new Prevention.RecordHealthCheck(info, checked, BY, r)));
      }
      for (DemoInspection i : work.inspections()) {
        chain = chain.thenCompose(x -> inspect(info, i));
      }
      return chain.thenApply(x -> true);
    });
  }

  /** As the inspection endpoint does: the inspection, then each hazard; then any rectification and verification. */
  private CompletionStage<?> inspect(SchoolInfo info, DemoInspection i) {
    var body = new InspectionRequest(i.inspectionId(), day(i.daysAgo()), i.inspector(), i.areas(),
        i.hazards().stream().map(h -> new HazardBody(h.category(), h.severity(), h.location(), h.description(),
            new Plan(h.responsible(), h.measures(), h.fundingYuan(),
                today.plusDays(h.deadlineInDays()).atTime(LocalTime.of(18, 0)).atOffset(ZoneOffset.ofHours(8)).toString(),
                h.interimSafeguard()))).toList());
    var checked = body.check(info, clock);
    CompletionStage<?> chain = this.<Prevention.Command, Prevention.State>ask(prevention(info.schoolId()),
        r -> new Prevention.RecordInspection(info, checked.inspection(), BY, r));
    for (int n = 0; n < checked.hazards().size(); n++) {
      NewHazard h = checked.hazards().get(n);
      DemoHazard demo = i.hazards().get(n);
      chain = chain.thenCompose(x -> this.<HazardCommand, HazardState>ask(hazard(h.hazardId()), r -> new HazardCommand.Open(h, BY, r)))
          .thenCompose(state -> rectify(h.hazardId(), demo, state));
    }
    return chain;
  }

  private CompletionStage<?> rectify(String hazardId, DemoHazard demo, HazardState state) {
    if (demo.rectified() == null || !state.status().awaitsWork()) {
      return CompletableFuture.completedFuture(state);
    }
    CompletionStage<HazardState> done = this.<HazardCommand, HazardState>ask(hazard(hazardId), r -> new HazardCommand.Rectify(demo.rectified(), BY, r));
    if (demo.verified() != null) {
      done = done.thenCompose(s -> s.status() != HazardStatus.RECTIFIED ? CompletableFuture.completedFuture(s)
          : this.<HazardCommand, HazardState>ask(hazard(hazardId), r -> new HazardCommand.Verify(true, demo.verified(), "agency:demo-loader", r)));
    }
    return done;
  }

  private String day(int daysAgo) {
    return today.minusDays(daysAgo).toString();
  }

  private <C, T> CompletionStage<T> ask(RecipientRef<C> ref, Function<ActorRef<StatusReply<T>>, C> message) {
    return AskPattern.askWithStatus(ref, message, hub.askTimeout(), hub.system().scheduler());
  }

  private RecipientRef<Prevention.Command> prevention(String schoolId) {
    return hub.entities().prevention(schoolId);
  }

  private RecipientRef<School.Command> school(String schoolId) {
    return hub.entities().school(schoolId);
  }

  private RecipientRef<HazardCommand> hazard(String hazardId) {
    return ClusterSharding.get(hub.system()).entityRefFor(Hazard.ENTITY_TYPE_KEY, hazardId);
  }
}
