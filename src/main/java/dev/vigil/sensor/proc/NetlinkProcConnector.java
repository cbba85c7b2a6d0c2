package dev.vigil.sensor.proc;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import dev.vigil.sensor.LibC;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A netlink socket subscribed to the kernel's process connector (fork, exec, exit, ... of every task on the host).
 * {@link #open} creates, sizes and binds the socket and waits for the kernel to acknowledge the subscription, so a
 * connector that is unusable fails there, with the reason. {@link #receive} reads one datagram into a reused
 * buffer and decodes it; a full socket buffer is reported as {@link Listener#overflow()} and the exact number of
 * messages lost as {@link Listener#lost(long)}. Not thread-safe: one reader thread owns the instance, including
 * {@link #close()} (closing a descriptor another thread is blocked on would let the number be reused under it).
 */
public final class NetlinkProcConnector implements AutoCloseable {

  /** What the connector delivers; called on the thread that calls {@link #receive}. */
  public interface Listener extends ProcMessageParser.Handler {
    /** The kernel reported ENOBUFS: it dropped messages because the socket buffer was full. */
    void overflow();
  }

  /** Receive buffer asked for: 4 MiB holds several thousand events, enough for exec storms of a few seconds. */
  public static final int DEFAULT_RECEIVE_BUFFER = 4 << 20;
  static final int PROC_CN_MCAST_LISTEN = 1;
  static final int PROC_CN_MCAST_IGNORE = 2;
  /** How long {@link #receive} blocks before returning false, so the owner can check whether to stop. */
  static final int RECEIVE_TIMEOUT_MILLIS = 200;
  private static final long ACK_TIMEOUT_NANOS = 2_000_000_000L;
  private static final AtomicInteger SEQ = new AtomicInteger((int) System.nanoTime() & 0x7fff_0000);

  private final int fd;
  private final int receiveBuffer;
  // Connector datagrams are ~100 bytes; 64 KiB is far more than one can be, and the buffer is reused.
  private final ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.nativeOrder());
  private final ProcMessageParser parser = new ProcMessageParser();
  /** Events that arrived while {@link #open} waited for the acknowledgement; delivered first. */
  private final ArrayDeque<ProcEvent> early = new ArrayDeque<>();
  private long earlyLost;
  private boolean earlyOverflow;
  private long overflows;
  private boolean closed;

  private NetlinkProcConnector(int fd, int receiveBuffer) {
    this.fd = fd;
    this.receiveBuffer = receiveBuffer;
  }

  /**
   * Opens and subscribes a socket.
   *
   * @param receiveBufferBytes socket buffer to ask for (SO_RCVBUFFORCE, which root may raise past rmem_max)
   * @throws ConnectorUnavailableException when the connector cannot be used here, saying why
   */
  public static NetlinkProcConnector open(int receiveBufferBytes) {
    int fd;
    try {
      fd = LibC.socket(LibC.AF_NETLINK, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 11 /* NETLINK_CONNECTOR */);
    } catch (LastErrorException e) {
      throw new ConnectorUnavailableException(e.getErrorCode() == LibC.EPROTONOSUPPORT
          ? "kernel has no netlink connector (CONFIG_CONNECTOR)" : "cannot create netlink socket: " + errno(e), e);
    } catch (LinkageError e) {
      Throwable why = LibC.loadError();
      throw new ConnectorUnavailableException("cannot call libc through JNA: " + (why != null ? why : e), e);
    }
    NetlinkProcConnector c = null;
    try {
      int granted = sizeBuffer(fd, receiveBufferBytes);
      byte[] timeout = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(0)
          .putLong(RECEIVE_TIMEOUT_MILLIS * 1000L).array();
      LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, timeout, timeout.length);
      // sockaddr_nl: family, pad, nl_pid 0 (the kernel picks a unique port), nl_groups = CN_IDX_PROC.
      byte[] addr = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder()).putShort((short) LibC.AF_NETLINK)
          .putShort((short) 0).putInt(0).putInt(ProcMessageParser.CN_IDX_PROC).array();
      try {
        LibC.bind(fd, addr, addr.length);
      } catch (LastErrorException e) {
        throw new ConnectorUnavailableException("cannot bind to the process connector group: " + errno(e), e);
      }
      c = new NetlinkProcConnector(fd, granted);
      c.subscribe();
      return c;
    } catch (RuntimeException e) {
      if (c != null) {
        c.close();
      } else {
        LibC.closeQuietly(fd);
      }
      if (e instanceof ConnectorUnavailableException) {
        throw e;
      }
      throw new ConnectorUnavailableException("cannot set up the netlink socket: " + e.getMessage(), e);
    }
  }

  /**
   * Why the process connector cannot be used on this host, or empty when it can: opens a socket, subscribes and
   * closes it again (takes milliseconds, up to 2 s when the kernel stays silent). Thread-safe.
   */
  public static Optional<String> unavailableReason() {
    try {
      open(64 * 1024).close();
      return Optional.empty();
    } catch (ConnectorUnavailableException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * SO_RCVBUFFORCE (needs CAP_NET_ADMIN; may exceed net.core.rmem_max), else SO_RCVBUF, which the kernel caps at
   * rmem_max. Returns what was asked.
   */
  private static int sizeBuffer(int fd, int bytes) {
    byte[] v = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(bytes).array();
    try {
      LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUFFORCE, v, 4);
    } catch (LastErrorException e) {
      LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, v, 4);
    }
    return bytes;
  }

  /**
   * Sends LISTEN and waits for the kernel's acknowledgement. The kernel ignores subscribers outside the initial
   * user and pid namespace without a word, and kernels before 6.6 refuse one without CAP_NET_ADMIN with EPERM (or
   * silently, when nobody else listens), so silence is as telling as an error.
   */
  private void subscribe() {
    int token = SEQ.incrementAndGet();
    byte[] msg = ProcMessageParser.subscription(PROC_CN_MCAST_LISTEN, token);
    try {
      LibC.send(fd, msg, msg.length, 0);
    } catch (LastErrorException e) {
      throw new ConnectorUnavailableException("cannot subscribe to process events: " + errno(e), e);
    }
    int[] error = {-1};
    Listener waiter = new Listener() {
      @Override
      public void event(ProcEvent e) {
        if (e instanceof ProcEvent.Ack && ((ProcEvent.Ack) e).ack() == token + 1) {
          error[0] = ((ProcEvent.Ack) e).error();
        } else if (!(e instanceof ProcEvent.Ack)) {
          early.add(e);
        }
      }

      @Override
      public void lost(long count) {
        earlyLost += count;
      }

      @Override
      public void overflow() {
        earlyOverflow = true;
      }
    };
    long deadline = System.nanoTime() + ACK_TIMEOUT_NANOS;
    while (error[0] < 0 && System.nanoTime() < deadline) {
      receiveOne(waiter, 0);
    }
    if (error[0] > 0) {
      throw new ConnectorUnavailableException("kernel refused the process-events subscription: errno " + error[0]
          + (error[0] == LibC.EPERM ? " (EPERM: needs CAP_NET_ADMIN)" : ""), null);
    }
    if (error[0] < 0) {
      throw new ConnectorUnavailableException("kernel did not acknowledge the process-events subscription within 2 s"
          + " (needs CAP_NET_ADMIN in the host's user and pid namespace, and CONFIG_PROC_EVENTS)", null);
    }
  }

  /**
   * Reads and decodes one datagram, blocking up to {@value #RECEIVE_TIMEOUT_MILLIS} ms.
   *
   * @return false when nothing arrived in that time
   */
  public boolean receive(Listener l) {
    return drainEarly(l) || receiveOne(l, 0);
  }

  /** Like {@link #receive} but returns false at once when no datagram is queued. */
  public boolean receiveNow(Listener l) {
    return drainEarly(l) || receiveOne(l, LibC.MSG_DONTWAIT);
  }

  private boolean drainEarly(Listener l) {
    if (earlyOverflow) {
      earlyOverflow = false;
      l.overflow();
    }
    if (earlyLost > 0) {
      l.lost(earlyLost);
      earlyLost = 0;
    }
    if (early.isEmpty()) {
      return false;
    }
    while (!early.isEmpty()) {
      l.event(early.poll());
    }
    return true;
  }

  private boolean receiveOne(Listener l, int flags) {
    if (closed) {
      throw new IllegalStateException("connector closed");
    }
    long n = LibC.recv(fd, buf, buf.capacity(), flags);
    if (n < 0) {
      int err = Native.getLastError();
      if (err == LibC.EAGAIN || err == LibC.EINTR) {
        return false;
      }
      if (err == LibC.ENOBUFS) {
        overflows++;
        l.overflow();
        return true;
      }
      throw new IllegalStateException("receive on the process connector failed: errno " + err);
    }
    parser.parse(buf, (int) n, l);
    return true;
  }

  /** The socket buffer size asked for. */
  public int receiveBuffer() {
    return receiveBuffer;
  }

  /** ENOBUFS seen so far. */
  public long overflows() {
    return overflows;
  }

  /** Datagrams that could not be decoded, so far. */
  public long malformed() {
    return parser.malformed();
  }

  /** Unsubscribes (so the kernel stops counting a listener) and closes the socket. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    byte[] msg = ProcMessageParser.subscription(PROC_CN_MCAST_IGNORE, SEQ.incrementAndGet());
    try {
      LibC.send(fd, msg, msg.length, LibC.MSG_DONTWAIT);
    } catch (LastErrorException e) {
      // Best effort: the kernel then keeps sending to a group nobody reads, which costs it little.
    }
    LibC.closeQuietly(fd);
  }

  static String errno(LastErrorException e) {
    return errno(e.getErrorCode());
  }

  /** An errno of the connector's socket calls, with what it means here. */
  static String errno(int err) {
    if (err == LibC.ECONNREFUSED) { // the connector exists in the initial network namespace only
      return "ECONNREFUSED (the process connector answers only in the host's network namespace: run the agent with "
          + "the host's network, e.g. docker run --network host)";
    }
    String name = err == LibC.EPERM ? "EPERM" : err == LibC.EACCES ? "EACCES" : "errno " + err;
    return name + (err == LibC.EPERM || err == LibC.EACCES ? " (needs CAP_NET_ADMIN)" : "");
  }
}
