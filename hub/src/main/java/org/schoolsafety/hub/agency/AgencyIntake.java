package org.schoolsafety.hub.agency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The front of an agency's inbox: every incident of the agency's region tells it of each change of
 * its dispatch, and one entity writes them all. Written one journal write after another, a county
 * agency fell behind after a node was killed and its incidents resent their notices (a write
 * takes tens of milliseconds on a busy machine; docs/RELIABILITY.md). So the dispatch notices
 * that arrive while a write is under way are gathered here and go to the inbox in one
 * {@link Agency.TrackDispatches}: one journal write for all of them, however many arrived.
 *
 * <p>A notice is confirmed to its incident only once the write that holds it is durable. A write
 * that is not answered within the ask timeout (the inbox restarting after a journal failure)
 * leaves its notices unconfirmed, and their incidents send them again. Every other command goes
 * straight to the inbox.
 */
final class AgencyIntake extends AbstractBehavior<Agency.Command> {

  /** At most this many notices per write: a journal write is one Cassandra batch, kept well under its size limit. */
  static final int MOST_PER_WRITE = 50;

  private final ActorRef<Agency.Command> inbox;
  private final Duration askTimeout;
  private final List<Agency.TrackDispatch> waiting = new ArrayList<>();
  private boolean writing;

  static Behavior<Agency.Command> create(Behavior<Agency.Command> inbox, Duration askTimeout) {
    return Behaviors.setup(context -> new AgencyIntake(context, inbox, askTimeout));
  }

  private AgencyIntake(ActorContext<Agency.Command> context, Behavior<Agency.Command> inbox, Duration askTimeout) {
    super(context);
    this.inbox = context.spawn(inbox, "inbox");
    this.askTimeout = askTimeout;
    context.watch(this.inbox);
  }

  @Override
  public Receive<Agency.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Agency.TrackDispatch.class, this::onTrackDispatch)
        .onMessage(Agency.IntakeWritten.class, this::onWritten)
        .onMessage(Agency.Command.class, this::forward)
        .onSignal(Terminated.class, signal -> Behaviors.stopped())
        .build();
  }

  private Behavior<Agency.Command> onTrackDispatch(Agency.TrackDispatch command) {
    waiting.add(command);
    writeWaiting();
    return this;
  }

  private Behavior<Agency.Command> onWritten(Agency.IntakeWritten written) {
    writing = false;
    if (written.durable()) {
      written.notices().forEach(notice -> notice.replyTo().tell(Done.getInstance()));
    }
    writeWaiting();
    return this;
  }

  private Behavior<Agency.Command> forward(Agency.Command command) {
    inbox.tell(command);
    return this;
  }

  private void writeWaiting() {
    if (writing || waiting.isEmpty()) {
      return;
    }
    var batch = List.copyOf(waiting.subList(0, Math.min(MOST_PER_WRITE, waiting.size())));
    waiting.subList(0, batch.size()).clear();
    writing = true;
    var notices = batch.stream().map(Agency.TrackDispatch::notice).toList();
    getContext().ask(Done.class, inbox, askTimeout,
        replyTo -> new Agency.TrackDispatches(notices, replyTo),
        (done, failure) -> new Agency.IntakeWritten(batch, failure == null));
  }
}
