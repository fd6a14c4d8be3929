package org.schoolsafety.edge.cap;

import com.typesafe.config.Config;
import java.time.ZoneId;

/**
 * How the hub signs and places its CAP alerts ({@code hub.cap} in application.conf).
 *
 * @param sender CAP {@code sender}: globally unique, e.g. an address under the operator's domain
 * @param zone the offset CAP times are written in (CAP forbids {@code Z})
 * @param schoolRadiusKm the radius of the circle around a school's point that is its alert area
 */
public record CapSettings(String sender, String senderName, ZoneId zone, double schoolRadiusKm) {

  public static CapSettings fromConfig(Config config) {
    Config cap = config.getConfig("hub.cap");
    return new CapSettings(cap.getString("sender"), cap.getString("sender-name"), ZoneId.of(cap.getString("zone")),
        cap.getDouble("school-radius-km"));
  }
}
