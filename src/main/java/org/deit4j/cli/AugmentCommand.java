package org.deit4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code deit augment}: inspect the data augmentation — apply one RandAugment op ({@code op}) or
 * render a grid of augmented samples of a recipe ({@code preview}).
 */
@Command(
    name = "augment",
    mixinStandardHelpOptions = true,
    description = "Inspect data augmentation: one RandAugment op, or a preview grid of a recipe.",
    subcommands = {AugmentOpCommand.class, AugmentPreviewCommand.class})
public final class AugmentCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing subcommand: op or preview");
  }
}
