package org.schoolsafety.hub.feed;

import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.prevention.WarningNotice;

/**
 * A feed item at its position in its province's feed; {@code seq} is the stream's event id.
 * Either an incident's {@code item}, or ({@code item} null) a school's early {@code warning}.
 */
public record FeedEntry(long seq, FeedItem item, WarningNotice warning) implements CborSerializable {

  public FeedEntry(long seq, FeedItem item) {
    this(seq, item, null);
  }

  public boolean isWarning() {
    return warning != null;
  }

  public String regionCode() {
    return isWarning() ? warning.regionCode() : item.regionCode();
  }
}
