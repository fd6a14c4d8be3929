package org.schoolsafety.hub.agency;

import org.schoolsafety.hub.CborSerializable;

/** A change of one of an agency's dispatches, at its position in the agency's journal. */
public record DispatchEntry(String agencyId, long seq, DispatchNotice notice) implements CborSerializable {}
