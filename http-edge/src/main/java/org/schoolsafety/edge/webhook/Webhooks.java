package org.schoolsafety.edge.webhook;

import com.typesafe.config.Config;
import java.time.Clock;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.schoolsafety.edge.auth.ServerKeys;

/**
 * The node's parts for pushed notices: the address policy, the secrets' seal, the sender, and
 * the executor for what blocks (DNS lookups), Pekko's dispatcher for blocking work.
 */
public record Webhooks(WebhookAddresses addresses, WebhookSecrets secrets, WebhookSender sender, Executor blocking) {

  public static Webhooks fromConfig(ActorSystem<?> system, Config config, Clock clock) {
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    var addresses = WebhookAddresses.fromConfig(config);
    var secrets = new WebhookSecrets(ServerKeys.fromConfig(config));
    var sender = new WebhookSender(addresses, secrets, config.getDuration("hub.webhooks.connect-timeout"),
        config.getDuration("hub.webhooks.request-timeout"), clock, blocking);
    return new Webhooks(addresses, secrets, sender, blocking);
  }
}
