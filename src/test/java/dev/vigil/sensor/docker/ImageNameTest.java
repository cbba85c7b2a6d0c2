package dev.vigil.sensor.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImageNameTest {

  private static final String HEX64 = "bcafbd95b79ac4334d8db45ca582781a709e3fa45916a6bfd48a585cf7b80a92";

  @Test
  void parse_repositoryAndTag_splitAtLastColon() {
    assertThat(ImageName.parse("vigil-test/busybox:1")).isEqualTo(new ImageName("vigil-test/busybox", "1", ""));
  }

  @Test
  void parse_noTagNoDigest_defaultsToLatest() {
    assertThat(ImageName.parse("busybox")).isEqualTo(new ImageName("busybox", "latest", ""));
  }

  @Test
  void parse_registryWithPortTagAndDigest_splitsAllThree() {
    assertThat(ImageName.parse("registry:5000/team/app:1.2@sha256:abc"))
        .isEqualTo(new ImageName("registry:5000/team/app", "1.2", "sha256:abc"));
  }

  @Test
  void parse_digestOnly_hasEmptyTag() {
    assertThat(ImageName.parse("repo@sha256:abc")).isEqualTo(new ImageName("repo", "", "sha256:abc"));
  }

  @Test
  void parse_registryPortWithoutTag_keepsPortInRepositoryAndDefaultsToLatest() {
    assertThat(ImageName.parse("localhost:5000/app")).isEqualTo(new ImageName("localhost:5000/app", "latest", ""));
  }

  @Test
  void parse_registryPortWithTag_splitsTagNotPort() {
    assertThat(ImageName.parse("localhost:5000/app:2")).isEqualTo(new ImageName("localhost:5000/app", "2", ""));
  }

  @Test
  void parse_blankOrNull_isAllEmpty() {
    assertThat(ImageName.parse("")).isEqualTo(new ImageName("", "", ""));
    assertThat(ImageName.parse(null)).isEqualTo(new ImageName("", "", ""));
  }

  @Test
  void isImageId_sha256PrefixedHex_isId() {
    assertThat(ImageName.isImageId("sha256:" + HEX64)).isTrue();
  }

  @Test
  void isImageId_bare64Hex_isId() {
    assertThat(ImageName.isImageId(HEX64)).isTrue();
  }

  @Test
  void isImageId_short12Hex_isId() {
    assertThat(ImageName.isImageId(HEX64.substring(0, 12))).isTrue();
  }

  @Test
  void isImageId_names_areNotIds() {
    assertThat(ImageName.isImageId("busybox")).isFalse();
    assertThat(ImageName.isImageId("vigil-test/busybox:1")).isFalse();
    assertThat(ImageName.isImageId(null)).isFalse();
  }

  @Test
  void isImageId_hexOfOtherLengthOrUppercase_isNotId() {
    assertThat(ImageName.isImageId(HEX64.substring(0, 20))).isFalse();
    assertThat(ImageName.isImageId(HEX64 + "a")).isFalse();
    assertThat(ImageName.isImageId(HEX64.substring(0, 12).toUpperCase(java.util.Locale.ROOT))).isFalse();
  }
}
