package org.schoolsafety.hub.webhook;

import java.time.Instant;
import org.schoolsafety.hub.CborSerializable;

/**
 * A receiver an agency's dispatch system registered: where notices are POSTed and the secret
 * they are signed with. {@code sealedSecret} is the secret as the edge sealed it (encrypted with
 * a key only the nodes hold), so that the journal never holds it in the clear; the hub's domain
 * never opens it.
 */
public record Webhook(String webhookId, String url, String sealedSecret, Instant createdAt, String createdBy)
    implements CborSerializable {}
