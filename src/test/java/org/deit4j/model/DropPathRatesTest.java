package org.deit4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import org.deit4j.engine.Engine;
import org.deit4j.testutil.Fixtures;
import org.junit.jupiter.api.Test;

/** timm per-block drop-path rates against drop_path.json (bit-exact float32). */
class DropPathRatesTest {
  @Test
  void matchesTimmLinspace() {
    Engine.init();
    JsonNode fx = Fixtures.semantics("drop_path.json");
    float[] want = Fixtures.floats(fx.get("dpr"));
    float[] got =
        DropPath.rates(fx.get("drop_path_rate").doubleValue(), fx.get("depth").intValue());
    for (int i = 0; i < want.length; i++) {
      assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]), "block " + i);
    }
    assertArrayEquals(new float[] {0f}, DropPath.rates(0.1, 1));
    assertArrayEquals(new float[12], DropPath.rates(0.0, 12));
    assertThrows(IllegalArgumentException.class, () -> DropPath.rates(1.0, 12));
    assertThrows(IllegalArgumentException.class, () -> DropPath.rates(0.1, 0));
  }
}
