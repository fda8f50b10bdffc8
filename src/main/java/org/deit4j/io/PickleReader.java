package org.deit4j.io;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** A bounds-checked cursor over pickle bytes: every read fails cleanly past the end. */
final class PickleReader {
  private final String source;
  private final byte[] in;
  int pos;

  PickleReader(String source, byte[] in) {
    this.source = source;
    this.in = in;
  }

  boolean hasMore() {
    return pos < in.length;
  }

  int remaining() {
    return in.length - pos;
  }

  void need(int n) throws PthException {
    if (n > in.length - pos) {
      throw error(pos, "pickle truncated: " + n + " more bytes needed");
    }
  }

  int u8() throws PthException {
    need(1);
    return in[pos++] & 0xff;
  }

  int i32() throws PthException {
    need(4);
    int v =
        (in[pos] & 0xff)
            | (in[pos + 1] & 0xff) << 8
            | (in[pos + 2] & 0xff) << 16
            | (in[pos + 3] & 0xff) << 24;
    pos += 4;
    return v;
  }

  long u32() throws PthException {
    return i32() & 0xffffffffL;
  }

  long i64() throws PthException {
    long lo = u32();
    long hi = u32();
    return lo | (hi << 32);
  }

  /** LONG1: n-byte little-endian two's complement; only values that fit a long are accepted. */
  long long1(int at) throws PthException {
    int n = u8();
    if (n > 8) {
      throw error(at, "integer of " + n + " bytes is too large");
    }
    need(n);
    long v = 0;
    for (int i = 0; i < n; i++) {
      v |= (long) (in[pos + i] & 0xff) << (8 * i);
    }
    if (n > 0 && n < 8 && (in[pos + n - 1] & 0x80) != 0) {
      v |= -1L << (8 * n); // sign-extend
    }
    pos += n;
    return v;
  }

  String utf8(int at, long n) throws PthException {
    if (n > in.length - pos) {
      throw error(at, "string of " + n + " bytes runs past the end of the pickle");
    }
    int len = (int) n;
    try {
      String s =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(in, pos, len))
              .toString();
      pos += len;
      return s;
    } catch (CharacterCodingException e) {
      throw error(at, "string is not valid UTF-8");
    }
  }

  /** A newline-terminated line (GLOBAL arguments). */
  String line() throws PthException {
    int start = pos;
    while (pos < in.length && in[pos] != '\n') {
      pos++;
    }
    if (pos >= in.length) {
      throw error(start, "GLOBAL argument is not newline-terminated");
    }
    int end = pos;
    pos = start;
    String s = utf8(start, end - start);
    pos++; // the newline
    return s;
  }

  PthException error(int at, String problem) {
    return new PthException(source + ": pickle byte " + at + ": " + problem);
  }
}
