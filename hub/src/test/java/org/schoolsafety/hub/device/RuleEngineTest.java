package org.schoolsafety.hub.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;

/** Every rule on the rule evaluation alone (the defaults of reference.conf): no actor, no clock. */
class RuleEngineTest {

  static final SensorSettings SETTINGS = SensorSettings.fromConfig(ConfigFactory.load());
  static final Instant T0 = Instant.parse("2026-11-29T08:15:00Z");

  static final Map<String, Place> PLACES = Map.of(
      "smoke-B3-01", new Place("B", "3F", "lab", null),
      "smoke-B3-02", new Place("B", "3F", "corridor", null),
      "smoke-A1-01", new Place("A", "1F", "kitchen", null),
      "heat-B3-01", new Place("B", "3F", "lab", null),
      "cam-B3-01", new Place("B", "3F", "corridor", null),
      "door-A-01", new Place("A", "1F", "main door", null),
      "door-A-02", new Place("A", "1F", "back door", null),
      "panic-07", new Place("A", "2F", "office", null));

  static final Function<String, Place> PLACE = id -> PLACES.getOrDefault(id, Place.UNKNOWN);

  private Map<String, RuleEngine.Watch> watches = Map.of();

  private List<RuleEngine.Alarm> feed(Reading... readings) {
    RuleEngine.Outcome outcome = RuleEngine.evaluate(watches, List.of(readings), PLACE, SETTINGS.rules());
    watches = outcome.watches();
    return outcome.alarms();
  }

  private static Reading smoke(String id, double value, long second) {
    return Reading.of(id, SensorKind.SMOKE, value, T0.plusSeconds(second));
  }

  // --- threshold --------------------------------------------------------------------------

  @Test
  void readingsBelowTheThresholdRaiseNothing() {
    assertThat(feed(Reading.of("heat-B3-01", SensorKind.TEMPERATURE, 56.9, T0),
        Reading.of("heat-B3-01", SensorKind.TEMPERATURE, 40, T0.plusSeconds(30)))).isEmpty();
    assertThat(feed(Reading.of("gas-1", SensorKind.GAS, 19.99, T0.plusSeconds(60)))).isEmpty();
  }

  @Test
  void aReadingAtTheThresholdCountsAsAbove() {
    assertThat(feed(Reading.of("heat-B3-01", SensorKind.TEMPERATURE, 57, T0))).isEmpty(); // sustained-for 10 s
    List<RuleEngine.Alarm> alarms = feed(Reading.of("heat-B3-01", SensorKind.TEMPERATURE, 57, T0.plusSeconds(10)));
    assertThat(alarms).hasSize(1);
    assertThat(alarms.get(0).rule().type()).isEqualTo(IncidentType.FIRE);
    assertThat(alarms.get(0).rule().level()).isEqualTo(Level.III);
  }

  @Test
  void heartbeatsAreNeverJudged() {
    assertThat(feed(new Reading("smoke-B3-01", SensorKind.HEARTBEAT, 99.0, null, null, T0))).isEmpty();
    assertThat(watches).isEmpty();
  }

  // --- sustained-for ------------------------------------------------------------------------

  @Test
  void aSingleSpikeIsNotEnoughWhereTheRuleAsksForSustainedReadings() {
    // Gas: 10 s above 20 %LEL. A spike, then normal again.
    assertThat(feed(Reading.of("gas-1", SensorKind.GAS, 80, T0),
        Reading.of("gas-1", SensorKind.GAS, 3, T0.plusSeconds(5)),
        Reading.of("gas-1", SensorKind.GAS, 70, T0.plusSeconds(12)))).isEmpty();
    // The second episode began at +12 s; at +21 s it is only 9 s old.
    assertThat(feed(Reading.of("gas-1", SensorKind.GAS, 75, T0.plusSeconds(21)))).isEmpty();
    List<RuleEngine.Alarm> alarms = feed(Reading.of("gas-1", SensorKind.GAS, 75, T0.plusSeconds(22)));
    assertThat(alarms).extracting(RuleEngine.Alarm::deviceId).containsExactly("gas-1");
    assertThat(alarms.get(0).rule().type()).isEqualTo(IncidentType.HAZMAT);
    assertThat(alarms.get(0).reading().at()).isEqualTo(T0.plusSeconds(22));
  }

  @Test
  void anEpisodeRaisesOneAlarmHoweverLongItLasts() {
    var alarms = new ArrayList<RuleEngine.Alarm>();
    for (int s = 0; s <= 300; s += 5) {
      alarms.addAll(feed(Reading.of("gas-1", SensorKind.GAS, 50, T0.plusSeconds(s))));
    }
    assertThat(alarms).hasSize(1);
    // Below, then above again for long enough: a new episode, a new alarm.
    feed(Reading.of("gas-1", SensorKind.GAS, 1, T0.plusSeconds(305)));
    assertThat(feed(Reading.of("gas-1", SensorKind.GAS, 50, T0.plusSeconds(310)),
        Reading.of("gas-1", SensorKind.GAS, 50, T0.plusSeconds(320)))).hasSize(1);
  }

  @Test
  void readingsOfOneBatchAreJudgedInTimeOrder() {
    // Sent newest first: still 10 s above.
    assertThat(feed(Reading.of("gas-1", SensorKind.GAS, 50, T0.plusSeconds(10)),
        Reading.of("gas-1", SensorKind.GAS, 50, T0))).hasSize(1);
  }

  @Test
  void episodesDoNotDependOnTheOrderBatchesArriveIn() {
    assertThat(feed(Reading.of("gas-1", SensorKind.GAS, 50, T0.plusSeconds(10)))).isEmpty();
    assertThat(feed(Reading.of("gas-1", SensorKind.GAS, 50, T0))).hasSize(1);
    // A reading below inside an episode, arriving late: the episode began after it.
    feed(Reading.of("gas-2", SensorKind.GAS, 50, T0), Reading.of("gas-2", SensorKind.GAS, 50, T0.plusSeconds(8)));
    feed(Reading.of("gas-2", SensorKind.GAS, 1, T0.plusSeconds(4)));
    assertThat(feed(Reading.of("gas-2", SensorKind.GAS, 50, T0.plusSeconds(12)))).isEmpty();
    assertThat(feed(Reading.of("gas-2", SensorKind.GAS, 50, T0.plusSeconds(18)))).hasSize(1);
  }

  @Test
  void aLateReadingNeitherEndsNorStartsASustainedEpisode() {
    feed(Reading.of("gas-1", SensorKind.GAS, 50, T0.plusSeconds(5)));
    // Older than what the channel has seen: it does not end the episode...
    feed(Reading.of("gas-1", SensorKind.GAS, 0, T0));
    assertThat(feed(Reading.of("gas-1", SensorKind.GAS, 50, T0.plusSeconds(15)))).hasSize(1);
    // ...and an old reading above cannot show that the present is sustained.
    feed(Reading.of("gas-2", SensorKind.GAS, 0, T0.plusSeconds(100)));
    assertThat(feed(Reading.of("gas-2", SensorKind.GAS, 90, T0), Reading.of("gas-2", SensorKind.GAS, 90, T0.plusSeconds(50))))
        .isEmpty();
  }

  // --- confirmation -------------------------------------------------------------------------

  @Test
  void oneSmokeDetectorAloneWaitsForConfirmation() {
    var alarms = new ArrayList<RuleEngine.Alarm>();
    for (int s = 0; s <= 120; s += 10) {
      alarms.addAll(feed(smoke("smoke-B3-01", 0.4, s)));
    }
    assertThat(alarms).isEmpty();
    assertThat(watches.get(RuleEngine.channel("smoke-B3-01", "SMOKE")).qualified()).isTrue();
  }

  @Test
  void aSecondDetectorInTheSameBuildingConfirmsAndBothCount() {
    feed(smoke("smoke-B3-01", 0.4, 0), smoke("smoke-B3-01", 0.4, 20));
    assertThat(feed(smoke("smoke-B3-02", 0.3, 30))).isEmpty(); // not sustained yet
    List<RuleEngine.Alarm> alarms = feed(smoke("smoke-B3-02", 0.3, 50));
    assertThat(alarms).extracting(RuleEngine.Alarm::deviceId).containsExactly("smoke-B3-02", "smoke-B3-01");
    assertThat(alarms.get(0).confirmedBy()).containsExactly("smoke-B3-01");
    assertThat(alarms.get(1).confirmedBy()).containsExactly("smoke-B3-02");
    assertThat(alarms.get(0).place().building()).isEqualTo("B");
  }

  @Test
  void aDetectorInAnotherBuildingDoesNotConfirm() {
    feed(smoke("smoke-B3-01", 0.4, 0), smoke("smoke-B3-01", 0.4, 20));
    assertThat(feed(smoke("smoke-A1-01", 0.4, 25), smoke("smoke-A1-01", 0.4, 45))).isEmpty();
  }

  @Test
  void confirmationMustComeWithinTheWindow() {
    feed(smoke("smoke-B3-01", 0.4, 0), smoke("smoke-B3-01", 0.4, 20), smoke("smoke-B3-01", 0.0, 30));
    // The first detector last counted at +20 s; the window is 3 min.
    assertThat(feed(smoke("smoke-B3-02", 0.4, 200), smoke("smoke-B3-02", 0.4, 221))).isEmpty();
    // A third detector within 3 min of the second: confirmed by it.
    assertThat(feed(smoke("smoke-B3-03-unregistered", 0.4, 230), smoke("smoke-B3-03-unregistered", 0.4, 250)))
        .extracting(RuleEngine.Alarm::deviceId).contains("smoke-B3-03-unregistered", "smoke-B3-02");
  }

  @Test
  void aCameraLabelConfirmsSmokeAndSmokeConfirmsTheCamera() {
    feed(smoke("smoke-B3-01", 0.4, 0), smoke("smoke-B3-01", 0.4, 20));
    List<RuleEngine.Alarm> alarms = feed(Reading.camera("cam-B3-01", CameraLabel.FIRE_SMOKE, 0.9, T0.plusSeconds(22)),
        Reading.camera("cam-B3-01", CameraLabel.FIRE_SMOKE, 0.92, T0.plusSeconds(32)));
    assertThat(alarms).extracting(a -> a.deviceId() + "/" + a.rule().key())
        .containsExactly("cam-B3-01/CAMERA_FIRE_SMOKE", "smoke-B3-01/SMOKE");
    assertThat(alarms.get(0).reading().label()).isEqualTo(CameraLabel.FIRE_SMOKE);
  }

  @Test
  void aCameraBelowItsConfidenceThresholdConfirmsNothing() {
    feed(smoke("smoke-B3-01", 0.4, 0), smoke("smoke-B3-01", 0.4, 20));
    assertThat(feed(Reading.camera("cam-B3-01", CameraLabel.FIRE_SMOKE, 0.6, T0.plusSeconds(22)),
        Reading.camera("cam-B3-01", CameraLabel.FIRE_SMOKE, 0.6, T0.plusSeconds(40)))).isEmpty();
  }

  @Test
  void intrusionNeedsASecondSensorOrACamera() {
    assertThat(feed(Reading.of("door-A-01", SensorKind.INTRUSION, 1, T0))).isEmpty();
    List<RuleEngine.Alarm> alarms = feed(Reading.of("door-A-02", SensorKind.INTRUSION, 1, T0.plusSeconds(40)));
    assertThat(alarms).extracting(RuleEngine.Alarm::deviceId).containsExactly("door-A-02", "door-A-01");
    assertThat(alarms).allMatch(a -> a.rule().type() == IncidentType.INTRUSION);
  }

  @Test
  void anUnregisteredDeviceOfUnknownPlaceConfirmsAnywhereSoNoAlarmIsLost() {
    feed(smoke("smoke-B3-01", 0.4, 0), smoke("smoke-B3-01", 0.4, 20));
    assertThat(feed(smoke("smoke-new", 0.4, 25), smoke("smoke-new", 0.4, 45)))
        .extracting(RuleEngine.Alarm::deviceId).containsExactly("smoke-new", "smoke-B3-01");
  }

  // --- panic --------------------------------------------------------------------------------

  @Test
  void aPanicPressIsAnAlarmAtOnceWithoutConfirmation() {
    List<RuleEngine.Alarm> alarms = feed(Reading.of("panic-07", SensorKind.PANIC, 1, T0));
    assertThat(alarms).hasSize(1);
    assertThat(alarms.get(0).confirmedBy()).isEmpty();
    assertThat(alarms.get(0).rule().sustainedFor()).isEqualTo(Duration.ZERO);
    // Held down: the same press. Released and pressed again: a second alarm.
    assertThat(feed(Reading.of("panic-07", SensorKind.PANIC, 1, T0.plusSeconds(1)))).isEmpty();
    assertThat(feed(Reading.of("panic-07", SensorKind.PANIC, 0, T0.plusSeconds(2)),
        Reading.of("panic-07", SensorKind.PANIC, 1, T0.plusSeconds(3)))).hasSize(1);
  }

  @Test
  void aPanicPressThatArrivesLateIsStillAPress() {
    feed(Reading.of("panic-07", SensorKind.PANIC, 0, T0.plusSeconds(60)));
    assertThat(feed(Reading.of("panic-07", SensorKind.PANIC, 1, T0))).hasSize(1);
  }

  @Test
  void aWeaponSeenByACameraIsAnAlarmAtOnceOfLevelTwo() {
    List<RuleEngine.Alarm> alarms = feed(Reading.camera("cam-A-01", CameraLabel.WEAPON, 0.75, T0));
    assertThat(alarms).hasSize(1);
    assertThat(alarms.get(0).rule().level()).isEqualTo(Level.II);
    assertThat(alarms.get(0).place()).isEqualTo(Place.UNKNOWN);
  }

  @Test
  void seismicShakingIsConfirmedAnywhereInTheSchool() {
    assertThat(feed(Reading.of("quake-A", SensorKind.SEISMIC, 150, T0))).isEmpty();
    assertThat(feed(Reading.of("quake-B", SensorKind.SEISMIC, 140, T0.plusSeconds(2))))
        .extracting(a -> a.rule().type()).containsOnly(IncidentType.NATURAL_DISASTER).hasSize(2);
  }

  @Test
  void theInputIsNotChanged() {
    Map<String, RuleEngine.Watch> before = Map.of();
    RuleEngine.evaluate(before, List.of(Reading.of("panic-07", SensorKind.PANIC, 1, T0)), PLACE, SETTINGS.rules());
    assertThat(before).isEmpty();
  }
}
