/**
 * The DeiT training recipe's numerics (paper Section 6 and Table 9; deit {@code main.py}/{@code
 * engine.py}, timm): losses ({@link org.deit4j.train.Losses}), AdamW with weight-decay groups
 * ({@link org.deit4j.train.AdamW}, {@link org.deit4j.train.Optimizers}), the cosine schedule
 * ({@link org.deit4j.train.CosineSchedule}), model EMA ({@link org.deit4j.train.ModelEma}),
 * stochastic-depth rates ({@link org.deit4j.model.DropPath#rates}) and divergence checks ({@link
 * org.deit4j.train.Guards}). Each class is checked against reference numbers from timm/torch.
 */
package org.deit4j.train;
