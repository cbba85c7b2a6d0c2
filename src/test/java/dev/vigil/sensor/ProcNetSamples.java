package dev.vigil.sensor;

/**
 * Lines copied from real tables: the test host's {@code /proc/net/tcp}, busybox containers ({@code nc -l},
 * {@code httpd -p [::1]:9090}, {@code tftp}) and a scratch namespace with 10.1.2.3 and 2001:db8:0:1::a:1 on lo.
 * Shared by the parser's tests and the network sensor's (its fake /proc serves them).
 */
public final class ProcNetSamples {

  public static final String TCP_HEADER =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid"
      + "  timeout inode                                                     ";
  public static final String TCP6_HEADER =
      "  sl  local_address                         remote_address                     "
      + "   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";
  /** Host: sshd-like listener on 0.0.0.0:2024. */
  public static final String HOST_LISTEN = "   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000"
      + "     0        0 563 1 00000000ec7d65f2 100 0 0 10 0                       ";
  /** Container: busybox {@code nc 127.0.0.1 8080}, the client end. */
  public static final String NC_CLIENT = "   0: 0100007F:80DE 0100007F:1F90 01 00000000:00000000 00:00000000 00000000"
      + "     0        0 188278 1 0000000082b26f8c 20 0 0 10 -1                    ";
  /** Container: busybox {@code nc -l -p 8080} (an IPv6 socket) after accepting from 127.0.0.1. */
  public static final String NC_ACCEPTED =
      "   0: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F"
      + ":80DE 01 00000000:00000000 00:00000000 00000000     0        0 187273 1 0000000025653060 20 0 0 10 -1";
  /** Container: the same connection in TIME_WAIT (no inode, shorter line). */
  public static final String TIME_WAIT = "   0: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F"
      + ":9102 06 00000000:00000000 03:0000170B 00000000     0        0 0 3 00000000c8f9eadf";
  public static final String HTTPD_LOOPBACK6 = "   0: 00000000000000000000000001000000:2382 "
      + "00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 205231 1"
      + " 00000000de73046a 100 0 0 10 0";
  public static final String GLOBAL6_CLIENT = "   1: B80D0120010000000000000001000A00:B0B6 "
      + "B80D0120010000000000000001000A00:01BB 01 00000000:00000000 00:00000000 00000000     0        0 210490 2"
      + " 0000000080e03e06 20 0 0 10 -1";
  /** Accepted by the kernel, not yet by the process: no inode. */
  public static final String NOT_ACCEPTED =
      "   1: 0302010A:0050 0302010A:E216 01 00000000:00000000 00:00000000 00000000"
      + "     0        0 0 1 000000006e2ea275 20 0 0 10 -1                         ";
  public static final String UDP_HEADER =
      "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid"
      + "  timeout inode ref pointer drops            ";
  /** Container: busybox {@code tftp} client, bound but not connected. */
  public static final String UDP_UNCONNECTED = " 8312: 00000000:CF45 00000000:0000 07 00000000:00000000 00:00000000"
      + " 00000000     0        0 205239 2 00000000b69d7b54 0        ";
  public static final String UDP_CONNECTED =
      " 2084: 0100007F:14E9 0100007F:0035 01 00000000:00000000 00:00000000 00000000"
      + "     0        0 208492 2 00000000160fae93 0        ";
  public static final String UDP6_UNCONNECTED = "15279: 00000000000000000000000000000000:AA7C "
      + "00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 206182 2"
      + " 000000003d437641 0";
  public static final String UDP6_CONNECTED = " 2085: 00000000000000000000000001000000:14EA "
      + "00000000000000000000000001000000:0035 01 00000000:00000000 00:00000000 00000000     0        0 208494 2"
      + " 000000005b4e61f8 0";

  private ProcNetSamples() {}
}
