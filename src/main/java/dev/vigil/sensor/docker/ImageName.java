package dev.vigil.sensor.docker;

/**
 * An image reference split the way Falco's {@code container.image.repository} and {@code container.image.tag}
 * split it: {@code registry:5000/team/app:1.2@sha256:abc} has repository {@code registry:5000/team/app}, tag
 * {@code 1.2} and digest {@code sha256:abc}. A reference without a tag has tag {@code latest} only when it also has
 * no digest, as the engine resolves it. Immutable.
 */
record ImageName(String repository, String tag, String digest) {

  static ImageName parse(String ref) {
    if (ref == null || ref.isBlank()) {
      return new ImageName("", "", "");
    }
    String r = ref.trim();
    String digest = "";
    int at = r.indexOf('@');
    if (at >= 0) {
      digest = r.substring(at + 1);
      r = r.substring(0, at);
    }
    String tag = "";
    int lastSlash = r.lastIndexOf('/');
    int colon = r.lastIndexOf(':');
    if (colon > lastSlash) {
      tag = r.substring(colon + 1);
      r = r.substring(0, colon);
    } else if (digest.isEmpty()) {
      tag = "latest";
    }
    return new ImageName(r, tag, digest);
  }

  /** True for a bare image id ({@code sha256:...} or 12 to 64 hex characters) rather than a name. */
  static boolean isImageId(String ref) {
    if (ref == null) {
      return false;
    }
    String r = ref.startsWith("sha256:") ? ref.substring(7) : ref;
    if (r.length() < 12 || r.length() > 64) {
      return false;
    }
    for (int i = 0; i < r.length(); i++) {
      char c = r.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return ref.startsWith("sha256:") || r.length() == 64 || r.length() == 12;
  }
}
