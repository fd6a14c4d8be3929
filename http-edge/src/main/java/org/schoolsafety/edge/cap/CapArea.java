package org.schoolsafety.edge.cap;

import java.util.ArrayList;
import java.util.List;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;

/**
 * One {@code area} of an incoming alert: its polygons (JTS, x = longitude, y = latitude), circles
 * and region prefixes (GB/T 2260 geocodes). A point on a polygon's edge or vertex, or on a
 * circle's rim, is inside.
 */
public record CapArea(List<Polygon> polygons, List<Circle> circles, List<String> regionPrefixes) {

  private static final GeometryFactory GEOMETRY = new GeometryFactory();
  private static final double EARTH_RADIUS_KM = 6371.0088;
  /** A rim tolerance of a few centimetres, so that a point exactly on the circle is inside. */
  private static final double RIM_KM = 1e-4;
  /** The smallest area of a polygon, in square degrees. */
  private static final double MIN_AREA = 1e-10;

  public boolean contains(double lat, double lon, String regionCode) {
    return regionPrefixes.stream().anyMatch(regionCode::startsWith)
        || polygons.stream().anyMatch(p -> p.contains(lat, lon))
        || circles.stream().anyMatch(c -> c.contains(lat, lon));
  }

  /**
   * A closed ring of at least four points. One that spans more than 180° of longitude is taken to
   * cross the antimeridian: its western longitudes are shifted by 360°, and so are the points tested.
   */
  public record Polygon(PreparedGeometry shape, boolean shifted) {
    public boolean contains(double lat, double lon) {
      double x = shifted && lon < 0 ? lon + 360 : lon;
      Point point = GEOMETRY.createPoint(new Coordinate(x, lat));
      return shape.covers(point);
    }
  }

  /** A centre and a radius in kilometres (CAP's {@code circle}). */
  public record Circle(double lat, double lon, double radiusKm) {
    public boolean contains(double pointLat, double pointLon) {
      double dLat = Math.toRadians(pointLat - lat);
      double dLon = Math.toRadians(pointLon - lon);
      double h = Math.pow(Math.sin(dLat / 2), 2)
          + Math.cos(Math.toRadians(lat)) * Math.cos(Math.toRadians(pointLat)) * Math.pow(Math.sin(dLon / 2), 2);
      double distance = 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
      return distance <= radiusKm + RIM_KM;
    }
  }

  /** CAP's {@code polygon}: "lat,lon lat,lon ..." closed (first = last), at least four pairs. */
  static Polygon polygon(String text) {
    String[] pairs = text.strip().split("\\s+");
    if (pairs.length < 4) {
      throw new IllegalArgumentException("a polygon needs at least four points, the first repeated as the last");
    }
    var points = new ArrayList<double[]>();
    for (String pair : pairs) {
      points.add(point(pair));
    }
    double[] first = points.get(0);
    double[] last = points.get(points.size() - 1);
    if (first[0] != last[0] || first[1] != last[1]) {
      throw new IllegalArgumentException("the polygon is not closed: its last point must repeat its first");
    }
    double minLon = points.stream().mapToDouble(p -> p[1]).min().orElseThrow();
    double maxLon = points.stream().mapToDouble(p -> p[1]).max().orElseThrow();
    boolean shifted = maxLon - minLon > 180;
    Coordinate[] ring = points.stream()
        .map(p -> new Coordinate(shifted && p[1] < 0 ? p[1] + 360 : p[1], p[0]))
        .toArray(Coordinate[]::new);
    LinearRing shell;
    try {
      shell = GEOMETRY.createLinearRing(ring);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the polygon is not a ring");
    }
    var polygon = GEOMETRY.createPolygon(shell);
    // Below about a square metre (1e-10 square degrees) there is no area: points in a line whose
    // decimal coordinates merely miss it in binary floating point.
    if (!polygon.isValid() || polygon.getArea() < MIN_AREA) {
      throw new IllegalArgumentException("the polygon is degenerate (no area, or its edges cross)");
    }
    return new Polygon(PreparedGeometryFactory.prepare(polygon), shifted);
  }

  /** CAP's {@code circle}: "lat,lon radius" with the radius in kilometres (0 is a point). */
  static Circle circle(String text) {
    String[] parts = text.strip().split("\\s+");
    if (parts.length != 2) {
      throw new IllegalArgumentException("a circle is 'lat,lon radius' (radius in km)");
    }
    double[] centre = point(parts[0]);
    double radius;
    try {
      radius = Double.parseDouble(parts[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the circle's radius is not a number");
    }
    if (!(radius >= 0 && radius <= 20_100)) {
      throw new IllegalArgumentException("the circle's radius must be 0-20100 km");
    }
    return new Circle(centre[0], centre[1], radius);
  }

  private static double[] point(String pair) {
    String[] latLon = pair.split(",");
    if (latLon.length != 2) {
      throw new IllegalArgumentException("'" + printable(pair) + "' is not a 'lat,lon' pair");
    }
    double lat;
    double lon;
    try {
      lat = Double.parseDouble(latLon[0]);
      lon = Double.parseDouble(latLon[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + printable(pair) + "' is not a 'lat,lon' pair of numbers");
    }
    if (!(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180)) {
      throw new IllegalArgumentException("'" + printable(pair) + "' is out of range (lat -90..90, lon -180..180)");
    }
    return new double[] {lat, lon};
  }

  private static String printable(String s) {
    String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7E]", "?");
  }
}
