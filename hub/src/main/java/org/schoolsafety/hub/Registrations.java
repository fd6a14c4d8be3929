package org.schoolsafety.hub;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The registry rules schools and agencies share: registering is idempotent for the same
 * profile and refused for a different one; reading an unregistered one is "not found".
 */
public final class Registrations {

  private Registrations() {}

  /** {@code existing} is null when nothing is registered yet; {@code registered} is its event. */
  public static <E, S, P> ReplyEffect<E, S> register(
      EffectFactories<E, S> effects, S state, P existing, P requested, E registered, String what,
      ActorRef<StatusReply<S>> replyTo) {
    return register(effects, state, existing, requested, registered, what, replyTo, s -> s);
  }

  /** The same, answering with {@code replyOf(state)}: an entity whose whole state is large says less. */
  public static <E, S, P> ReplyEffect<E, S> register(
      EffectFactories<E, S> effects, S state, P existing, P requested, E registered, String what,
      ActorRef<StatusReply<S>> replyTo, java.util.function.UnaryOperator<S> replyOf) {
    if (existing == null) {
      return effects.persist(registered).thenReply(replyTo, s -> StatusReply.success(replyOf.apply(s)));
    }
    if (existing.equals(requested)) {
      return effects.reply(replyTo, StatusReply.success(replyOf.apply(state)));
    }
    return effects.reply(replyTo, StatusReply.error(
        new Rejection.Conflict(what + " is already registered with a different profile")));
  }

  public static <E, S> ReplyEffect<E, S> get(
      EffectFactories<E, S> effects, S state, boolean registered, String what, ActorRef<StatusReply<S>> replyTo) {
    return answer(effects, registered, () -> state, what, replyTo);
  }

  /** {@code answer} for a registered one, "not found" otherwise: a read that answers less than the state. */
  public static <E, S, T> ReplyEffect<E, S> answer(
      EffectFactories<E, S> effects, boolean registered, java.util.function.Supplier<T> answer, String what,
      ActorRef<StatusReply<T>> replyTo) {
    return registered
        ? effects.reply(replyTo, StatusReply.success(answer.get()))
        : effects.reply(replyTo, StatusReply.error(new Rejection.NotFound("no " + what)));
  }
}
