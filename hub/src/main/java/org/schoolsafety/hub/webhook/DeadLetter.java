package org.schoolsafety.hub.webhook;

import java.time.Instant;
import org.schoolsafety.hub.CborSerializable;

/** A notice a webhook did not take within the retry window: kept to be read and redelivered. */
public record DeadLetter(PushedNotice notice, Instant at, int attempts, String lastError)
    implements CborSerializable {}
