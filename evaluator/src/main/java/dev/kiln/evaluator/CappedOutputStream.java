package dev.kiln.evaluator;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** An output stream that fails with {@link CapExceeded} once more than a given number of bytes pass. */
final class CappedOutputStream extends FilterOutputStream {
  /** More bytes were written than the cap allows. */
  static final class CapExceeded extends IOException {
    CapExceeded(long cap) {
      super("more than " + cap + " bytes");
    }
  }

  private final long cap;
  private long written;

  CappedOutputStream(OutputStream out, long cap) {
    super(out);
    this.cap = cap;
  }

  @Override
  public void write(int b) throws IOException {
    count(1);
    out.write(b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    count(len);
    out.write(b, off, len);
  }

  private void count(long n) throws CapExceeded {
    written += n;
    if (written > cap) {
      throw new CapExceeded(cap);
    }
  }
}
