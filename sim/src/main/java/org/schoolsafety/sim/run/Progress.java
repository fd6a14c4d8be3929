package org.schoolsafety.sim.run;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The progress line on stderr. On a terminal: one line redrawn with {@code \r} four times a
 * second. Otherwise (CI logs): a plain line at every 10 % and at the end.
 */
public final class Progress implements AutoCloseable {

  public enum Mode {
    AUTO,
    BAR,
    PLAIN,
    OFF
  }

  private final PrintStream out;
  private final boolean bar;
  private final boolean off;
  private final String name;
  private final int totalRequests;
  private final Duration planEnd;
  private final double speed;
  private final Tally tally;
  private final IntSupplier queued;
  private final LongSupplier startNanos;
  private Thread thread;
  private volatile boolean stopped;
  private int lastDecile = -1;
  private int lastWidth;
  private String lastLine = "";

  Progress(Mode mode, PrintStream out, String name, int totalRequests, Duration planEnd, double speed, Tally tally,
      IntSupplier queued, LongSupplier startNanos) {
    Mode resolved = mode == Mode.AUTO ? (System.console() != null ? Mode.BAR : Mode.PLAIN) : mode;
    this.out = out;
    this.bar = resolved == Mode.BAR;
    this.off = resolved == Mode.OFF;
    this.name = name;
    this.totalRequests = totalRequests;
    this.planEnd = planEnd;
    this.speed = speed;
    this.tally = tally;
    this.queued = queued;
    this.startNanos = startNanos;
  }

  void start() {
    if (off) {
      return;
    }
    thread = new Thread(() -> {
      while (!stopped) {
        render(false);
        try {
          Thread.sleep(bar ? 250 : 1000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "progress");
    thread.setDaemon(true);
    thread.start();
  }

  /** Prints a message without garbling the bar. */
  synchronized void say(String message) {
    if (bar && lastWidth > 0) {
      out.print("\r" + " ".repeat(lastWidth) + "\r");
      lastWidth = 0;
    }
    out.println(message);
  }

  private synchronized void render(boolean last) {
    long done = tally.requestsDone.get();
    double fraction = totalRequests == 0 ? 1 : Math.min(1.0, (double) done / totalRequests);
    long elapsed = System.nanoTime() - startNanos.getAsLong();
    Duration drillTime = Duration.ofNanos(Math.max(0, (long) (elapsed * speed)));
    if (drillTime.compareTo(planEnd) > 0) {
      drillTime = planEnd;
    }
    String counts = String.format(Locale.ROOT,
        "t+%s/%s  reports %d  follow-ups %d  acks %d/%d  escalations %d  queued %d  errors %d",
        clock(drillTime), clock(planEnd), tally.reportsDone.get(), tally.followUpsDone.get(), tally.acksSent.get(),
        tally.acksScheduled.get(), tally.escalationsSeen.get(), queued.getAsInt(), tally.errors.get());
    int percent = (int) Math.floor(fraction * 100);
    if (bar) {
      int width = 24;
      int filled = (int) Math.round(fraction * width);
      String line = String.format(Locale.ROOT, "drill %s [%s%s] %3d%%  %s", name, "#".repeat(filled),
          ".".repeat(width - filled), percent, counts);
      out.print("\r" + line + (line.length() < lastWidth ? " ".repeat(lastWidth - line.length()) : ""));
      lastWidth = line.length();
      if (last) {
        out.println();
        lastWidth = 0;
      }
      out.flush();
    } else {
      int decile = percent / 10;
      String line = String.format(Locale.ROOT, "drill %s %3d%%  %s", name, percent, counts);
      if (decile > lastDecile || (last && !line.equals(lastLine))) {
        lastDecile = decile;
        lastLine = line;
        out.println(line);
      }
    }
  }

  private static String clock(Duration d) {
    long s = d.toSeconds();
    return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
  }

  @Override
  public void close() {
    if (off || stopped) {
      return;
    }
    stopped = true;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    render(true);
  }
}
