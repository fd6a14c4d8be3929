package org.schoolsafety.edge.webhook;

import java.util.LinkedHashMap;
import java.util.Map;
import org.schoolsafety.edge.api.dto.DispatchNoticeView;
import org.schoolsafety.hub.webhook.PushedNotice;

/**
 * The JSON body of a pushed notice. It is the same for every attempt and every redelivery (the
 * attempt number and the time are headers), so a receiver may compare bodies of one noticeId.
 */
public final class WebhookBodies {

  private WebhookBodies() {}

  public static Map<String, Object> of(String agencyId, PushedNotice notice) {
    var body = new LinkedHashMap<String, Object>();
    body.put("noticeId", notice.noticeId(agencyId));
    body.put("agencyId", agencyId);
    body.put("kind", notice.kind().name());
    body.put("subject", notice.subject());
    body.put("sequence", notice.seq());
    body.put("occurredAt", notice.at());
    switch (notice.kind()) {
      case DISPATCH -> body.put("dispatch", DispatchNoticeView.of(notice.dispatch()));
      case TIP -> body.put("tip", notice.tip());
      case HAZARD -> body.put("hazard", notice.hazard());
      case DIRECTIVE -> body.put("directive", notice.directive());
      case DEVICE -> body.put("device", notice.device());
      case WARNING -> body.put("warning", notice.warning().warning());
      default -> throw new IllegalStateException("unknown kind " + notice.kind());
    }
    return body;
  }
}
