package org.schoolsafety.hub;

/**
 * Marker for every message, event and state that crosses the wire or lands in the journal.
 * Bound to Jackson CBOR in {@code serialization.conf}; nothing is ever Java-serialized.
 */
public interface CborSerializable {}
