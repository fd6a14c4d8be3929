package org.schoolsafety.hub.device;

/**
 * What a device measures, with its unit and the physically possible range of its value (a
 * reading outside it is a broken sensor or a broken gateway, refused with a 400). Documented in
 * docs/SENSORS.md.
 */
public enum SensorKind {
  /** Optical obscuration in dB/m (conventional detectors alarm at 0.05-0.15 dB/m). */
  SMOKE("dB/m", 0, 30),
  /** Combustible gas as % of the lower explosive limit. */
  GAS("%LEL", 0, 100),
  /** Air temperature in degrees Celsius. */
  TEMPERATURE("°C", -60, 1200),
  /** Water level in cm above the site's reference mark (negative: below it). */
  WATER_LEVEL("cm", -1000, 5000),
  /** Peak ground acceleration in gal (cm/s²), or an earthquake early-warning intensity converted to it. */
  SEISMIC("gal", 0, 5000),
  /** 1 = triggered, 0 = quiet. */
  INTRUSION("0/1", 0, 1),
  /** 1 = pressed, 0 = released. */
  PANIC("0/1", 0, 1),
  /** Alive, nothing measured; an optional value (e.g. battery %) is 0-100 and ignored by the rules. */
  HEARTBEAT("-", 0, 100),
  /** A video analytics detection: a {@link CameraLabel} with a confidence 0-1 (no value). */
  CAMERA("confidence", 0, 1);

  private final String unit;
  private final double min;
  private final double max;

  SensorKind(String unit, double min, double max) {
    this.unit = unit;
    this.min = min;
    this.max = max;
  }

  public String unit() {
    return unit;
  }

  public double min() {
    return min;
  }

  public double max() {
    return max;
  }

  /** Switch-like kinds read only 0 or 1. */
  public boolean isBinary() {
    return this == INTRUSION || this == PANIC;
  }

  /** A device is registered as one of these; HEARTBEAT is a kind of reading, not of device. */
  public boolean isDeviceKind() {
    return this != HEARTBEAT;
  }
}
