package org.deit4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import org.deit4j.io.DType;
import org.deit4j.io.HostTensor;
import org.deit4j.io.Safetensors;
import org.deit4j.io.SafetensorsFile;
import org.deit4j.io.TorchPickle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConvertCommandTest {
  @TempDir Path dir;

  static Path pth(String name) throws URISyntaxException {
    return Path.of(ConvertCommandTest.class.getResource("/io/pth/" + name).toURI());
  }

  /** The verb through Main's command line and error handling. */
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    String[] full = new String[args.length + 1];
    full[0] = "convert";
    System.arraycopy(args, 0, full, 1, args.length);
    int code = cl.execute(full);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void convertsHalfPrecisionKeepingDTypesAndKeys() throws Exception {
    Path out = dir.resolve("half.safetensors");
    Run r = run(pth("halfprec_state_dict.pth").toString(), out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("wrote 7 tensors"), r.out());
    SafetensorsFile f = Safetensors.read(out);
    Map<String, HostTensor> src = TorchPickle.read(pth("halfprec_state_dict.pth")).stateDict(null);
    assertEquals(new ArrayList<>(src.keySet()), new ArrayList<>(f.tensors().keySet()));
    for (Map.Entry<String, HostTensor> e : src.entrySet()) {
      assertEquals(e.getValue(), f.get(e.getKey()), e.getKey()); // bytes identical
    }
    assertEquals(DType.BF16, f.get("w_bf16").dtype());
    assertEquals("pt", f.metadata().get("format"));
  }

  @Test
  void dtypeF32WidensHalvesExactlyAndKeepsIntegers() throws Exception {
    Path out = dir.resolve("f32.safetensors");
    int code =
        new CommandLine(new ConvertCommand())
            .execute(pth("halfprec_state_dict.pth").toString(), out.toString(), "--dtype", "f32");
    assertEquals(0, code);
    SafetensorsFile f = Safetensors.read(out);
    SafetensorsFile exp = Safetensors.read(pth("halfprec_expected.safetensors"));
    for (String k : new String[] {"w_f16", "w_bf16", "special_f16", "special_bf16"}) {
      assertEquals(DType.F32, f.get(k).dtype(), k);
      assertArrayEquals(exp.get(k + ".as_f32").toFloats(), f.get(k).toFloats(), k);
    }
    assertEquals(DType.I64, f.get("num_batches_tracked").dtype());
    assertEquals(DType.I64, f.get("big_i64").dtype());
  }

  @Test
  void trainingCheckpointWithKey() throws Exception {
    Path out = dir.resolve("model.safetensors");
    Run r = run(pth("deit_training_checkpoint.pth").toString(), out.toString(), "--key", "model");
    assertEquals(0, r.code(), r.err());
    SafetensorsFile f = Safetensors.read(out);
    assertEquals(23, f.tensors().size());
    assertEquals("cls_token", f.tensors().keySet().iterator().next());
  }

  @Test
  void errorsAreOneLineInputErrors() throws Exception {
    Path out = dir.resolve("x.safetensors");
    Run bad = run(pth("malicious_reduce_os_system.pth").toString(), out.toString());
    assertEquals(ExitCodes.INPUT, bad.code());
    assertTrue(bad.err().contains("os.system"), bad.err());
    assertEquals(1, bad.err().strip().lines().count(), bad.err());
    assertFalse(Files.exists(out));

    Run missingKey =
        run(pth("deit_training_checkpoint.pth").toString(), out.toString(), "--key", "nope");
    assertEquals(ExitCodes.INPUT, missingKey.code());
    assertTrue(missingKey.err().contains("model, optimizer"), missingKey.err());

    Run noFile = run(dir.resolve("absent.pth").toString(), out.toString());
    assertEquals(ExitCodes.INPUT, noFile.code());
    assertTrue(noFile.err().contains("file not found"), noFile.err());

    Run notStateDict = run(pth("handmade_benign.pth").toString(), out.toString());
    assertEquals(ExitCodes.INPUT, notStateDict.code(), notStateDict.err());

    Run badDtype = run(pth("handmade_benign.pth").toString(), out.toString(), "--dtype", "f8");
    assertEquals(ExitCodes.USAGE, badDtype.code());
  }
}
