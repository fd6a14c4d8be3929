package org.schoolsafety.hub.bench;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.agency.Tier;
import org.schoolsafety.hub.directory.AgencyDirectory;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.plan.ResponsePlan;
import org.schoolsafety.hub.region.RegionCode;

/**
 * Region matching: parsing and checking region codes (every request and every deserialized event
 * that carries one), prefix checks (stream and list filters), and the agency directory's chain
 * lookup — county, city, province agencies of a kind for a school's region — in a province-sized
 * directory (14 cities of 8 counties each, every kind at every tier: 508 agencies).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class RegionMatchingBenchmark {

  private String[] codes;
  private RegionCode[] regions;
  private String[] prefixes;
  private AgencyDirectory.State directory;
  private List<AgencyKind> fireLevelOneKinds;
  private int next;

  @Setup
  public void setUp() {
    var counties = new ArrayList<String>();
    var bySlot = new HashMap<String, AgencyProfile>();
    for (AgencyKind kind : AgencyKind.values()) {
      enlist(bySlot, kind, Tier.PROVINCE, "65");
    }
    for (int city = 1; city <= 14; city++) {
      String cityCode = String.format("65%02d", city);
      for (AgencyKind kind : AgencyKind.values()) {
        enlist(bySlot, kind, Tier.CITY, cityCode);
      }
      for (int county = 1; county <= 8; county++) {
        String countyCode = String.format("%s%02d", cityCode, county);
        counties.add(countyCode);
        for (AgencyKind kind : AgencyKind.values()) {
          enlist(bySlot, kind, Tier.COUNTY, countyCode);
        }
      }
    }
    directory = new AgencyDirectory.State(Map.copyOf(bySlot));
    codes = counties.toArray(String[]::new);
    regions = counties.stream().map(RegionCode::of).toArray(RegionCode[]::new);
    prefixes = counties.stream().map(c -> c.substring(0, 4)).toArray(String[]::new);
    var plan = ResponsePlan.fromConfig(ConfigFactory.load().getConfig("hub.response-plan"));
    fireLevelOneKinds = List.copyOf(plan.kindsFor(IncidentType.FIRE, Level.I));
  }

  private static void enlist(Map<String, AgencyProfile> bySlot, AgencyKind kind, Tier tier, String jurisdiction) {
    var agency = new AgencyProfile(kind.name().toLowerCase() + "-" + jurisdiction, kind + " " + jurisdiction,
        kind, tier, jurisdiction);
    bySlot.put(agency.slot(), agency);
  }

  private int nextIndex() {
    int i = next;
    next = i + 1 == codes.length ? 0 : i + 1;
    return i;
  }

  /** A region code from text, checked (6 digits). */
  @Benchmark
  public RegionCode parse() {
    return RegionCode.of(codes[nextIndex()]);
  }

  /** Is this a province, city or county prefix (a region filter's check)? */
  @Benchmark
  public boolean isPrefix() {
    return RegionCode.isPrefix(prefixes[nextIndex()]);
  }

  /** Is the region within a city (a stream's or list's filter)? */
  @Benchmark
  public boolean within() {
    int i = nextIndex();
    return regions[i].within(prefixes[(i + 8) % prefixes.length]);
  }

  /** One kind's escalation chain for a school's region. */
  @Benchmark
  public List<AgencyProfile> chain() {
    return directory.chain(regions[nextIndex()], AgencyKind.FIRE);
  }

  /**
   * What the directory does for a new level-I fire (FindChains): the chain of every kind the plan
   * calls on.
   */
  @Benchmark
  public void chainsForAFireOfLevelOne(Blackhole bh) {
    RegionCode region = regions[nextIndex()];
    for (AgencyKind kind : fireLevelOneKinds) {
      bh.consume(directory.chain(region, kind));
    }
  }
}
