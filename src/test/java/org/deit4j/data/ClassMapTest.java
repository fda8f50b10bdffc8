package org.deit4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassMapTest {
  @Test
  void jsonRoundTrip() throws Exception {
    ObjectMapper m = new ObjectMapper();
    String json = m.writeValueAsString(ClassMap.FASHION_MNIST);
    assertEquals(
        "{\"names\":[\"T-shirt/top\",\"Trouser\",\"Pullover\",\"Dress\",\"Coat\",\"Sandal\","
            + "\"Shirt\",\"Sneaker\",\"Bag\",\"Ankle boot\"]}",
        json);
    assertEquals(ClassMap.FASHION_MNIST, m.readValue(json, ClassMap.class));
  }

  @Test
  void lookupsAndValidation() {
    ClassMap c = ClassMap.of("cat", "dog");
    assertEquals(1, c.indexOf("dog"));
    assertEquals(-1, c.indexOf("cow"));
    assertEquals("cat", c.name(0));
    assertEquals(List.of("0", "1", "2"), ClassMap.numbered(3).names());
    assertThrows(IllegalArgumentException.class, () -> ClassMap.of("a", "a"));
    assertThrows(IllegalArgumentException.class, () -> new ClassMap(List.of()));
    assertThrows(IndexOutOfBoundsException.class, () -> c.name(2));
    // the record's validation also guards deserialisation (Jackson wraps the exception)
    assertThrows(
        com.fasterxml.jackson.databind.JsonMappingException.class,
        () -> new ObjectMapper().readValue("{\"names\":[\"x\",\"x\"]}", ClassMap.class));
  }
}
