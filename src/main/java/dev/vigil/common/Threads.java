package dev.vigil.common;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's threads: daemon threads (none of them may keep the JVM alive after the shutdown hook), each named
 * {@code vigil-...} so that a thread dump and the log's thread field say what runs.
 */
public final class Threads {

  private Threads() {}

  /** A daemon thread running {@code task}, named {@code name}, not started yet. */
  public static Thread daemon(String name, Runnable task) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    return t;
  }

  /** A daemon thread running {@code task}, named {@code name}, started. */
  public static Thread start(String name, Runnable task) {
    Thread t = daemon(name, task);
    t.start();
    return t;
  }

  /** A factory of daemon threads all named {@code name}, for executors of one thread. */
  public static ThreadFactory daemon(String name) {
    return task -> daemon(name, task);
  }

  /** A factory of daemon threads named {@code prefix-1}, {@code prefix-2}, ... in the order they are made. */
  public static ThreadFactory numbered(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return task -> daemon(prefix + "-" + n.incrementAndGet(), task);
  }
}
