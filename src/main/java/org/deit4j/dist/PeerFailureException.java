package org.deit4j.dist;

/**
 * A collective or the rendezvous failed: a peer died, hung past the timeout, or could not be
 * reached. The job cannot continue; the last checkpoint on disk is intact (only rank 0 writes it,
 * atomically).
 */
public final class PeerFailureException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, from this worker's point of view
   * @param cause the engine's error
   */
  public PeerFailureException(String message, Throwable cause) {
    super(message, cause);
  }
}
