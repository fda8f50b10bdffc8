/**
 * Distillation through attention (DeiT paper, Section 5): the teacher interface and deit's {@code
 * DistillationLoss} with its soft, hard and class-token-only variants.
 */
package org.deit4j.distill;
