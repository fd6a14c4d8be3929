package org.schoolsafety.hub.incident;

import org.schoolsafety.hub.CborSerializable;

/** The person who filed a report, so that responders can call back. */
public record Reporter(String name, String role, String phone) implements CborSerializable {}
