package org.deit4j.data;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.deit4j.augment.Image;
import org.deit4j.augment.SampleTransform;
import org.deit4j.engine.Engine;

/**
 * Multi-threaded batch loader (torch's {@code DataLoader} with persistent workers): worker threads
 * decode images and run the {@link SampleTransform}; the consumer receives batches in sampler order
 * as a float32 (B, C, H, W) tensor and int64 labels.
 *
 * <p><b>Determinism.</b> Sample {@code p} of epoch {@code e} (its position in the sampler's order)
 * gets the random stream {@code new SplittableRandom(sampleSeed(seed, e, p))}, so the batches of a
 * (seed, epoch) are identical whatever the number of threads or their scheduling.
 *
 * <p><b>Flow.</b> At most {@code prefetchBatches} batches are in flight (decoded ahead of the
 * consumer); each sample is one task on a fixed thread pool. The tensors are built on the
 * consumer's thread in {@code next()}, so they belong to the caller's {@code PointerScope}.
 *
 * <p><b>Failures.</b> Undecodable images are skipped and replaced as {@link DecodePolicy}
 * describes; any other exception in a worker (or a policy abort) is rethrown to the consumer from
 * {@code next()} as a {@link DataLoadException}, after the epoch's remaining work is cancelled.
 * Closing the loader stops its threads. Starting a new epoch iterator cancels an unfinished one.
 */
public final class Loader implements Iterable<Batch>, AutoCloseable {
  private static final AtomicInteger LOADERS = new AtomicInteger();

  /**
   * Loader settings.
   *
   * @param batchSize samples per batch, {@code >= 1}
   * @param dropLast drop a final partial batch (torch {@code drop_last})
   * @param threads worker threads, {@code >= 1}
   * @param prefetchBatches batches decoded ahead of the consumer, {@code >= 1}
   * @param seed base of the per-sample random streams
   * @param decodePolicy what to do with undecodable images
   */
  public record Config(
      int batchSize,
      boolean dropLast,
      int threads,
      int prefetchBatches,
      long seed,
      DecodePolicy decodePolicy) {
    public Config {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
      }
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1, got " + threads);
      }
      if (prefetchBatches < 1) {
        throw new IllegalArgumentException("prefetchBatches must be >= 1, got " + prefetchBatches);
      }
      if (decodePolicy == null) {
        throw new IllegalArgumentException("decodePolicy must not be null");
      }
    }

    /** Batch size with defaults: keep the last batch, one thread per core, 2 batches ahead. */
    public static Config of(int batchSize) {
      return new Config(
          batchSize,
          false,
          Runtime.getRuntime().availableProcessors(),
          2,
          0L,
          DecodePolicy.DEFAULT);
    }

    public Config withDropLast(boolean v) {
      return new Config(batchSize, v, threads, prefetchBatches, seed, decodePolicy);
    }

    public Config withThreads(int v) {
      return new Config(batchSize, dropLast, v, prefetchBatches, seed, decodePolicy);
    }

    public Config withPrefetchBatches(int v) {
      return new Config(batchSize, dropLast, threads, v, seed, decodePolicy);
    }

    public Config withSeed(long v) {
      return new Config(batchSize, dropLast, threads, prefetchBatches, v, decodePolicy);
    }

    public Config withDecodePolicy(DecodePolicy v) {
      return new Config(batchSize, dropLast, threads, prefetchBatches, seed, v);
    }
  }

  private final Dataset dataset;
  private final Sampler sampler;
  private final SampleTransform transform;
  private final Config config;
  private final int[] shape; // C, H, W
  private final int sampleLength;
  private final ExecutorService pool;
  private final java.util.List<Thread> workers = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final DecodeFailures failures;
  private int epoch;
  private EpochIterator current;
  private boolean closed;

  /**
   * @param dataset the data
   * @param sampler which indices, in which order, per epoch
   * @param transform per-sample pipeline (run on worker threads; must be thread-safe)
   * @param config batching and threading
   */
  public Loader(Dataset dataset, Sampler sampler, SampleTransform transform, Config config) {
    this.dataset = dataset;
    this.sampler = sampler;
    this.transform = transform;
    this.config = config;
    this.shape = transform.outputShape().clone();
    if (shape.length != 3) {
      throw new IllegalArgumentException("transform output shape must be (C, H, W)");
    }
    this.sampleLength = Math.multiplyExact(Math.multiplyExact(shape[0], shape[1]), shape[2]);
    this.failures = new DecodeFailures(config.decodePolicy());
    int id = LOADERS.incrementAndGet();
    AtomicInteger n = new AtomicInteger();
    ThreadFactory tf =
        r -> {
          Thread t = new Thread(r, "deit4j-loader-" + id + "-" + n.incrementAndGet());
          t.setDaemon(true); // a forgotten loader must not keep the JVM alive
          workers.add(t);
          return t;
        };
    this.pool = Executors.newFixedThreadPool(config.threads(), tf);
  }

  /**
   * The random seed of sample {@code position} of {@code epoch}: three rounds of the SplitMix64
   * finaliser over (seed, epoch, position), so neighbouring positions get unrelated streams.
   */
  public static long sampleSeed(long seed, int epoch, long position) {
    long h = mix64(seed ^ 0x9E3779B97F4A7C15L);
    h = mix64(h + 0xBF58476D1CE4E5B9L * (epoch + 1L));
    return mix64(h + 0x94D049BB133111EBL * (position + 1L));
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Sets the epoch {@link #iterator()} will produce (torch's {@code sampler.set_epoch}). */
  public synchronized void setEpoch(int epoch) {
    this.epoch = epoch;
  }

  /** The epoch {@link #iterator()} produces. */
  public synchronized int epoch() {
    return epoch;
  }

  /** Batches per epoch. */
  public int batchesPerEpoch() {
    int n = sampler.length();
    int b = config.batchSize();
    return config.dropLast() ? n / b : (n + b - 1) / b;
  }

  /** The settings. */
  public Config config() {
    return config;
  }

  /** Decode failures seen so far (over all epochs). */
  public DecodeFailures failures() {
    return failures;
  }

  /** Batches of the current {@link #epoch()}. */
  @Override
  public EpochIterator iterator() {
    return epoch(epoch());
  }

  /** Batches of {@code epoch}; cancels an unfinished previous iterator. */
  public synchronized EpochIterator epoch(int epoch) {
    if (closed) {
      throw new IllegalStateException("loader is closed");
    }
    Engine.init();
    if (current != null) {
      current.close();
    }
    current = new EpochIterator(epoch);
    return current;
  }

  /**
   * Cancels pending work and stops the worker threads, waiting for them to exit (each finishes the
   * image it is decoding; after 10 s they are interrupted).
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (current != null) {
        current.close();
      }
    }
    // No interrupts: an interrupted ImageIO read looks like a corrupt file. Queued tasks of the
    // cancelled epoch return at once; running ones finish their current image.
    pool.shutdown();
    try {
      if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
      }
      // The pool reports termination just before its threads exit; join them so none outlives
      // close().
      for (Thread t : workers) {
        t.join(TimeUnit.SECONDS.toMillis(10));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One epoch's batches, in order. Close it to abandon the epoch early. */
  public final class EpochIterator implements Iterator<Batch>, AutoCloseable {
    private final int epochNumber;
    private final int[] order;
    private final int numBatches;
    private final ArrayDeque<Pending> window = new ArrayDeque<>();
    private int submitted;
    private int delivered;
    private volatile boolean cancelled;

    private EpochIterator(int epochNumber) {
      this.epochNumber = epochNumber;
      this.order = sampler.indices(epochNumber);
      this.numBatches = batchesPerEpoch();
      fill();
    }

    private void fill() {
      while (!cancelled && submitted < numBatches && window.size() < config.prefetchBatches()) {
        window.addLast(submit(submitted++));
      }
    }

    private Pending submit(int b) {
      int start = b * config.batchSize();
      int n = Math.min(config.batchSize(), order.length - start);
      Pending p = new Pending(n);
      CompletableFuture<?>[] tasks = new CompletableFuture<?>[n];
      for (int k = 0; k < n; k++) {
        int slot = k;
        tasks[k] = CompletableFuture.runAsync(() -> p.load(slot, start + slot), pool);
      }
      p.done = CompletableFuture.allOf(tasks);
      return p;
    }

    @Override
    public boolean hasNext() {
      return !cancelled && delivered < numBatches;
    }

    @Override
    public Batch next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Pending p = window.removeFirst();
      try {
        p.done.get();
      } catch (InterruptedException e) {
        close();
        Thread.currentThread().interrupt();
        throw new DataLoadException("interrupted while waiting for a batch", e);
      } catch (ExecutionException e) {
        close();
        Throwable cause = e.getCause();
        if (cause instanceof DataLoadException d) {
          throw new DataLoadException(d.getMessage(), d);
        }
        throw new DataLoadException(
            "data loader worker failed in epoch " + epochNumber + ": " + cause, cause);
      }
      delivered++;
      fill();
      return p.toBatch();
    }

    /** Cancels the batches still in flight; further {@link #hasNext()} is false. */
    @Override
    public void close() {
      cancelled = true;
      for (Pending p : window) {
        if (p.done != null) {
          p.done.cancel(false);
        }
      }
      window.clear();
    }

    /** Batch being filled by workers; each sample writes only its own slot. */
    private final class Pending {
      final float[] data;
      final long[] labels;
      final int[] indices;
      volatile CompletableFuture<Void> done;

      Pending(int n) {
        data = new float[Math.multiplyExact(n, sampleLength)];
        labels = new long[n];
        indices = new int[n];
      }

      void load(int slot, int position) {
        if (cancelled) {
          return; // queued work of an abandoned epoch
        }
        DecodeFailures.Decoded d = failures.decode(dataset, order[position]);
        SplittableRandom rng =
            new SplittableRandom(sampleSeed(config.seed(), epochNumber, position));
        Image img = d.image();
        float[] out = transform.apply(img, rng);
        if (out.length != sampleLength) {
          throw new IllegalStateException(
              "transform returned "
                  + out.length
                  + " floats for "
                  + dataset.source(d.index())
                  + ", expected C*H*W = "
                  + sampleLength);
        }
        System.arraycopy(out, 0, data, slot * sampleLength, sampleLength);
        labels[slot] = dataset.label(d.index());
        indices[slot] = d.index();
      }

      Batch toBatch() {
        int n = indices.length;
        Tensor images =
            torch.empty(
                new long[] {n, shape[0], shape[1], shape[2]},
                new TensorOptions(ScalarType.Float),
                new MemoryFormatOptional()); // (B, C, H, W)
        new FloatPointer(images.data_ptr()).capacity(data.length).put(data);
        Tensor lab =
            torch.empty(
                new long[] {n}, new TensorOptions(ScalarType.Long), new MemoryFormatOptional());
        new LongPointer(lab.data_ptr()).capacity(n).put(labels);
        return new Batch(images, lab, indices);
      }
    }
  }
}
