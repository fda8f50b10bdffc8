package org.deit4j.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** Our affine coefficients equal the exact doubles PIL received ({@code pil_calls[0].data}). */
class PilCallsTest {
  @Test
  void affineMatricesMatchPilCallsExactly() {
    int checked = 0;
    for (JsonNode c : AugmentFixtures.cases()) {
      if (!c.get("family").asText().equals("A") || c.get("pil_calls").isEmpty()) {
        continue;
      }
      JsonNode call = c.get("pil_calls").get(0);
      if (!call.get("call").asText().equals("Image.transform")) {
        continue;
      }
      double[] expected = new double[6];
      for (int i = 0; i < 6; i++) {
        expected[i] = call.get("data").get(i).asDouble();
      }
      int w = call.get("in_size").get(0).asInt();
      int h = call.get("in_size").get(1).asInt();
      RandAugmentOp op = RandAugmentOp.byTimmName(c.get("op").asText());
      int sign = "-".equals(c.get("sign").asText()) ? -1 : 1;
      double arg = op.argument(c.get("magnitude").asDouble(), sign, 0.45);
      double[] actual =
          switch (op) {
            case ROTATE -> Affine.rotationMatrix(Affine.pythonMod360(arg), w, h);
            case SHEAR_X -> new double[] {1, arg, 0, 0, 1, 0};
            case SHEAR_Y -> new double[] {1, 0, 0, arg, 1, 0};
            case TRANSLATE_X_REL -> new double[] {1, 0, arg * w, 0, 1, 0};
            case TRANSLATE_Y_REL -> new double[] {1, 0, 0, 0, 1, arg * h};
            default -> throw new AssertionError(op);
          };
      assertArrayEquals(expected, actual, 0.0, c.get("id").asText());
      checked++;
    }
    assertTrue(checked >= 70, "checked " + checked);
  }

  @Test
  void levelArgumentsMatchManifest() {
    int checked = 0;
    for (JsonNode c : AugmentFixtures.cases()) {
      if (!c.get("family").asText().equals("A") || c.get("args").isEmpty()) {
        continue;
      }
      RandAugmentOp op = RandAugmentOp.byTimmName(c.get("op").asText());
      int sign = "-".equals(c.get("sign").asText()) ? -1 : 1;
      double arg = op.argument(c.get("magnitude").asDouble(), sign, 0.45);
      JsonNode a = c.get("args");
      String key =
          a.has("degrees")
              ? "degrees"
              : a.has("factor")
                  ? "factor"
                  : a.has("pct")
                      ? "pct"
                      : a.has("bits_to_keep")
                          ? "bits_to_keep"
                          : a.has("thresh") && !a.has("add") ? "thresh" : "add";
      assertEquals(a.get(key).asDouble(), arg, 0.0, c.get("id").asText());
      checked++;
    }
    assertTrue(checked > 100);
  }

  @Test
  void pythonRoundingHelpers() {
    // +30 and -30 degrees round cos differently (README "Surprises" 5).
    assertEquals(0.866025403784439, Affine.rotationMatrix(30.0, 10, 10)[0], 0.0);
    assertEquals(0.866025403784438, Affine.rotationMatrix(330.0, 10, 10)[0], 0.0);
    assertEquals(333.0, Affine.pythonMod360(-27.0), 0.0);
    assertEquals(0.0, Affine.pythonMod360(-360.0), 0.0);
    assertEquals(6, Draws.roundHalfEven(6.5));
    assertEquals(8, Draws.roundHalfEven(7.5));
  }
}
