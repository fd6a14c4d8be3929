package org.schoolsafety.hub.school;

import org.schoolsafety.hub.CborSerializable;

/** The posture a directive in force holds a school in. */
public record DirectedPosture(String directiveId, Posture posture) implements CborSerializable {}
