package org.deit4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DistEnvTest {
  @Test
  void noWorldSizeMeansOneProcess() {
    assertNull(DistEnv.fromEnvironment(Map.of("RANK", "0")));
  }

  @Test
  void readsTorchrunVariables() {
    DistEnv e =
        DistEnv.fromEnvironment(
            Map.of(
                "RANK", "5",
                "WORLD_SIZE", "8",
                "LOCAL_RANK", "1",
                "MASTER_ADDR", "node0",
                "MASTER_PORT", "29500",
                "DEIT4J_DIST_TIMEOUT", "60"));
    assertEquals(new DistEnv(5, 8, 1, "node0", 29500, Duration.ofSeconds(60)), e);
    assertEquals(false, e.loopback());
  }

  @Test
  void defaultsAsOnOneMachine() {
    DistEnv e =
        DistEnv.fromEnvironment(Map.of("RANK", "1", "WORLD_SIZE", "2", "MASTER_PORT", "1234"));
    assertEquals(1, e.localRank());
    assertEquals("127.0.0.1", e.masterAddr());
    assertEquals(DistEnv.DEFAULT_TIMEOUT, e.timeout());
    assertTrue(e.loopback());
  }

  @Test
  void rejectsInconsistentVariables() {
    assertThrows(
        IllegalArgumentException.class,
        () -> DistEnv.fromEnvironment(Map.of("WORLD_SIZE", "2", "MASTER_PORT", "1")));
    assertThrows(
        IllegalArgumentException.class,
        () -> DistEnv.fromEnvironment(Map.of("RANK", "2", "WORLD_SIZE", "2", "MASTER_PORT", "1")));
    assertThrows(
        IllegalArgumentException.class,
        () -> DistEnv.fromEnvironment(Map.of("RANK", "x", "WORLD_SIZE", "2", "MASTER_PORT", "1")));
    assertThrows(
        IllegalArgumentException.class,
        () -> DistEnv.fromEnvironment(Map.of("RANK", "0", "WORLD_SIZE", "2")));
  }

  @Test
  void rankSeedKeepsRankZeroAndSeparatesTheOthers() {
    assertEquals(42L, Replicas.rankSeed(42L, 0));
    assertTrue(Replicas.rankSeed(42L, 1) != Replicas.rankSeed(42L, 2));
    assertTrue(Replicas.rankSeed(42L, 1) != Replicas.rankSeed(43L, 1));
  }

  @Test
  void launchOptionsNeedAPortOnSeveralNodes() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new LaunchOptions(2, 2, 0, "node0", 0, Duration.ofSeconds(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new LaunchOptions(2, 2, 2, "node0", 29500, Duration.ofSeconds(1)));
    assertEquals(4, new LaunchOptions(2, 2, 1, "node0", 29500, Duration.ofSeconds(1)).worldSize());
  }
}
