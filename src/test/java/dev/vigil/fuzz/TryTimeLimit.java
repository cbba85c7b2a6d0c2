package dev.vigil.fuzz;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.lifecycle.AroundTryHook;
import net.jqwik.api.lifecycle.TryExecutionResult;
import net.jqwik.api.lifecycle.TryExecutor;
import net.jqwik.api.lifecycle.TryLifecycleContext;

/**
 * The "never hangs" half of every fuzz property: each try runs on a worker thread and fails when it gives no result
 * within {@code -Dfuzz.tryMillis} (default 5,000 ms, some 10,000 times what any input here takes), so an input that
 * loops or takes super-linear time is reported, and shrunk, like any other failure. A worker stuck in a loop cannot
 * be stopped; it is abandoned (a daemon thread) and a fresh one takes the next try. Add it to a property class with
 * {@code @AddLifecycleHook(TryTimeLimit.class)}. Thread-safe: tries of one property run one after another, and the
 * worker is swapped under a lock.
 */
public final class TryTimeLimit implements AroundTryHook {

  private static final long LIMIT_MILLIS = Long.getLong("fuzz.tryMillis", 5_000L);
  private static final Object LOCK = new Object();
  private static ExecutorService worker = newWorker();

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz-try");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public TryExecutionResult aroundTry(TryLifecycleContext context, TryExecutor aTry, List<Object> parameters)
      throws Throwable {
    Future<TryExecutionResult> result;
    synchronized (LOCK) {
      result = worker.submit(() -> aTry.execute(parameters));
    }
    try {
      return result.get(LIMIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      result.cancel(true);
      synchronized (LOCK) {
        worker.shutdownNow();
        worker = newWorker();
      }
      return TryExecutionResult.falsified(new AssertionError("no result within " + LIMIT_MILLIS + " ms"));
    } catch (ExecutionException e) {
      throw e.getCause();
    }
  }
}
