package dev.vigil.sensor.fanotify;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Splits what read(2) returned from a fanotify group into events ({@code struct fanotify_event_metadata}, version
 * 3: u32 event_len, u8 vers, u8 reserved, u16 metadata_len, u64 mask, s32 fd, s32 pid; optional info records up to
 * event_len are skipped). Stateless and thread-safe; the buffer is read with absolute gets in native byte order.
 */
final class FanotifyEventParser {

  /** Receives the parsed events of one buffer, in order; called on the parsing thread. */
  interface Handler {
    /** One event. {@code fd} is an open descriptor the handler must close, or {@link Fanotify#FAN_NOFD}. */
    void event(long mask, int fd, int pid);

    /**
     * Bytes that are not a readable version-3 event (wrong version, bad lengths, a truncated tail). Any descriptor
     * inside them cannot be trusted, so it is not closed; the kernel has used version 3 since Linux 2.6.37.
     */
    void malformed(String why);
  }

  /** Smallest prefix that still holds event_len, vers and metadata_len. */
  private static final int HEADER = 8;

  private FanotifyEventParser() {}

  /**
   * Parses {@code length} bytes from the start of {@code buf} (whose byte order is set to native).
   *
   * @return the number of events handed to {@link Handler#event}
   */
  static int parse(ByteBuffer buf, int length, Handler handler) {
    buf.order(ByteOrder.nativeOrder());
    int off = 0;
    int events = 0;
    while (off < length) {
      int remaining = length - off;
      if (remaining < HEADER) {
        handler.malformed("truncated: " + remaining + " trailing bytes");
        break;
      }
      long eventLen = buf.getInt(off) & 0xffffffffL;
      int vers = buf.get(off + 4) & 0xff;
      int metadataLen = buf.getShort(off + 6) & 0xffff;
      if (eventLen < HEADER) {
        handler.malformed("event_len " + eventLen + " too small; " + remaining + " bytes skipped");
        break;
      }
      if (eventLen > remaining) {
        handler.malformed("truncated: event_len " + eventLen + " but " + remaining + " bytes left");
        break;
      }
      if (vers != Fanotify.FANOTIFY_METADATA_VERSION) {
        handler.malformed("metadata version " + vers + ", expected " + Fanotify.FANOTIFY_METADATA_VERSION);
      } else if (metadataLen < Fanotify.METADATA_LEN || metadataLen > eventLen) {
        handler.malformed("metadata_len " + metadataLen + " with event_len " + eventLen);
      } else {
        handler.event(buf.getLong(off + 8), buf.getInt(off + 16), buf.getInt(off + 20));
        events++;
      }
      off += (int) eventLen;
    }
    return events;
  }
}
