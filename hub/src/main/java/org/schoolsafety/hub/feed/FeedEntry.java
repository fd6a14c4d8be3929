package org.schoolsafety.hub.feed;

import org.schoolsafety.hub.CborSerializable;

/** A feed item at its position in its province's feed; {@code seq} is the stream's event id. */
public record FeedEntry(long seq, FeedItem item) implements CborSerializable {}
