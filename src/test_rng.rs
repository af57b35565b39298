//! The tests' one seeded generator: a linear congruential sequence (Knuth's MMIX constants),
//! so random test data is the same on every run with no dependency.

/// Advance `seed` and return its new value.
pub(crate) fn step(seed: &mut u64) -> u64 {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    *seed
}

/// Advance `seed` and return a number in `0.0..1.0` from its top 53 bits.
pub(crate) fn unit(seed: &mut u64) -> f64 {
    (step(seed) >> 11) as f64 / (1u64 << 53) as f64
}
