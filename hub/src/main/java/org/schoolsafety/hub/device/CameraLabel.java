package org.schoolsafety.hub.device;

/** What a camera's video analytics recognised. */
public enum CameraLabel {
  FIGHT,
  FALL,
  CROWDING,
  INTRUDER,
  FIRE_SMOKE,
  WEAPON
}
