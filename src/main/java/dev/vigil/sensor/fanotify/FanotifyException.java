package dev.vigil.sensor.fanotify;

import dev.vigil.sensor.LibC;

/**
 * fanotify cannot be used, or a call on it failed, with a one-line reason a user can act on. When the sensor's
 * {@code start()} throws it, the agent falls back to polling ({@code docker diff}); {@link #reason()} tells it
 * what to say (missing capability, old kernel, a limit). Immutable.
 */
public final class FanotifyException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why it failed. */
  public enum Reason {
    /** The agent lacks CAP_SYS_ADMIN (fanotify_init or a filesystem mark answered EPERM). */
    NOT_PERMITTED,
    /** The kernel or libc lacks fanotify, FAN_MARK_FILESYSTEM or FAN_OPEN_EXEC, or this is not 64-bit Linux. */
    UNSUPPORTED,
    /** Anything else: a vanished path, a resource limit. */
    FAILED
  }

  private final Reason reason;
  private final int errno;

  FanotifyException(Reason reason, int errno, String message) {
    super(message);
    this.reason = reason;
    this.errno = errno;
  }

  FanotifyException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.errno = 0;
  }

  /** Classifies a failed call from its errno. */
  static FanotifyException of(String call, int errno, String what) {
    Reason r;
    String hint;
    switch (errno) {
      case LibC.EPERM:
      case LibC.EACCES:
        r = Reason.NOT_PERMITTED;
        hint = "the agent needs CAP_SYS_ADMIN (run as root or add --cap-add SYS_ADMIN) for fanotify";
        break;
      case LibC.ENOSYS:
        r = Reason.UNSUPPORTED;
        hint = "the kernel has no fanotify (CONFIG_FANOTIFY)";
        break;
      case LibC.EINVAL:
      case LibC.EOPNOTSUPP:
      case LibC.ENODEV:
      case LibC.EXDEV:
        r = Reason.UNSUPPORTED;
        hint = "the kernel or this filesystem does not support what was asked (filesystem marks need Linux"
            + " 4.20, FAN_OPEN_EXEC 5.0)";
        break;
      case LibC.EMFILE:
      case LibC.ENOSPC:
      case LibC.ENOMEM:
        r = Reason.FAILED;
        hint = "a fanotify limit was reached (fs.fanotify.max_user_groups / max_user_marks, or open files)";
        break;
      default:
        r = Reason.FAILED;
        hint = "";
    }
    String msg = call + "(" + what + ") failed: " + LibC.errnoName(errno) + (hint.isEmpty() ? "" : "; " + hint);
    return new FanotifyException(r, errno, msg);
  }

  public Reason reason() {
    return reason;
  }

  /** The errno of the failed call, 0 when none. */
  public int errno() {
    return errno;
  }
}
