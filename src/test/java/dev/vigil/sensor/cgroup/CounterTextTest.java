package dev.vigil.sensor.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The in-place parsers of cgroup and /proc counter files, on the kernel's text. */
class CounterTextTest {

  private static ByteBuffer buf(String s) {
    ByteBuffer b = ByteBuffer.allocateDirect(s.length() + 16);
    b.put(s.getBytes(StandardCharsets.US_ASCII));
    b.put("99 trailing bytes".getBytes(StandardCharsets.US_ASCII), 0, 16); // past the length: must be ignored
    return b;
  }

  private static byte[] key(String k) {
    return k.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void value_numberMaxOrMissing() {
    assertThat(CounterText.value(buf("24440712\n"), 9)).isEqualTo(24440712L);
    assertThat(CounterText.value(buf("9223372036854771712\n"), 20)).isEqualTo(9223372036854771712L);
    assertThat(CounterText.value(buf("max\n"), 4)).isEqualTo(CounterText.UNLIMITED);
    assertThat(CounterText.value(buf("\n"), 1)).isEqualTo(CounterText.MISSING);
    assertThat(CounterText.value(buf(""), 0)).isEqualTo(CounterText.MISSING);
    assertThat(CounterText.value(buf("99999999999999999999999\n"), 24)).as("saturates").isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void value_stopsAtTheLength() {
    assertThat(CounterText.value(buf("12"), 2)).isEqualTo(12);
  }

  @Test
  void keyed_wholeFirstWordOnly() {
    String stat = "inactive_file 7\ntotal_inactive_file 4096\ntotal_inactive_filex 5\n";
    ByteBuffer b = buf(stat);
    assertThat(CounterText.keyed(b, stat.length(), key("total_inactive_file"))).isEqualTo(4096);
    assertThat(CounterText.keyed(b, stat.length(), key("inactive_file"))).isEqualTo(7);
    assertThat(CounterText.keyed(b, stat.length(), key("total_inactive"))).isEqualTo(CounterText.MISSING);
    assertThat(CounterText.keyed(b, stat.length(), key("active_file"))).isEqualTo(CounterText.MISSING);
  }

  @Test
  void keyed_lastLineWithoutNewline_andMeminfoColon() {
    String s = "user_usec 1\nusage_usec 24440";
    assertThat(CounterText.keyed(buf(s), s.length(), key("usage_usec"))).isEqualTo(24440);
    String m = "MemTotal:       24684096 kB\n";
    assertThat(CounterText.keyed(buf(m), m.length(), key("MemTotal:"))).isEqualTo(24684096);
  }

  @Test
  void blkioV1_sumsReadAndWriteOverDevices_skipsTotals() {
    String s = "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 1\n8:0 Async 2\n8:0 Discard 0\n8:0 Total 12288\n"
        + "253:1 Read 100\n253:1 Write 10\n253:1 Total 110\nTotal 12398\n";
    long[] out = new long[2];
    CounterText.blkioV1(buf(s), s.length(), out);
    assertThat(out).containsExactly(4196, 8202);
    CounterText.blkioV1(buf("Total 0\n"), 8, out);
    assertThat(out).containsExactly(0, 0);
  }

  @Test
  void ioStatV2_sumsBytesOverDevices() {
    String s = "8:0 rbytes=1003520 wbytes=4096 rios=30 wios=1 dbytes=0 dios=0\n"
        + "259:0 rbytes=10 wbytes=20 rios=1 wios=1 dbytes=7 dios=1\n";
    long[] out = new long[2];
    CounterText.ioStatV2(buf(s), s.length(), out);
    assertThat(out).containsExactly(1003530, 4116);
    CounterText.ioStatV2(buf(""), 0, out);
    assertThat(out).containsExactly(0, 0);
  }

  @Test
  void netDev_sumsAllButLoopback() {
    String s = FakeCgroupHost.NET_DEV_HEADER
        + "    lo: 2676466    9523    0    0    0     0          0         0  2676466    9523    0    0    0     0"
        + "       0          0\n"
        + "  eth0: 152713171    4521    0    0    0     0          0         0   497994    3585    0    0    0     0"
        + "       0          0\n"
        + "  eth1:1    2    0    0    0     0          0         0   3    4    0    0    0     0       0          0\n"
        + "  lo2: 5 0 0 0 0 0 0 0 6 0 0 0 0 0 0 0\n";
    long[] out = new long[2];
    CounterText.netDev(buf(s), s.length(), out);
    assertThat(out).containsExactly(152713171 + 1 + 5, 497994 + 3 + 6);
  }

  @Test
  void netDev_onlyLoopback_isZero() {
    String s = FakeCgroupHost.NET_DEV_HEADER
        + "    lo:     120       2    0    0    0     0          0         0      120       2    0    0    0     0"
        + "       0          0\n";
    long[] out = {9, 9};
    CounterText.netDev(buf(s), s.length(), out);
    assertThat(out).containsExactly(0, 0);
  }
}
