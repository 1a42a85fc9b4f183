//! A small deterministic PRNG (SplitMix64) and a content hash (FNV-1a), so seeded data and fault
//! decisions are the same on every machine and every Rust release (std's hashers promise neither).

/// SplitMix64: tiny, fast, and good enough for test data.
#[derive(Clone, Debug)]
pub(crate) struct Rng(u64);

/// The SplitMix64 finalizer: a good 64-bit mixing function.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Rng(mix(seed ^ 0x5EED_C10D_0000_0001))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// A number in `0..n` (`0` when `n` is 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A random (version 4 shaped) GUID in lowercase, as Graph writes ids.
    pub(crate) fn guid(&mut self) -> String {
        let high = self.next_u64();
        let low = self.next_u64();
        let high = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
        let low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            high >> 32,
            (high >> 16) & 0xFFFF,
            high & 0xFFFF,
            low >> 48,
            low & 0xFFFF_FFFF_FFFF
        )
    }

    /// `chars` uppercase hexadecimal digits.
    pub(crate) fn hex(&mut self, chars: usize) -> String {
        let mut out = String::with_capacity(chars + 16);
        while out.len() < chars {
            out.push_str(&format!("{:016X}", self.next_u64()));
        }
        out.truncate(chars);
        out
    }
}

/// FNV-1a, 64 bits, over several byte strings (each followed by a separator byte).
#[derive(Clone, Debug)]
pub(crate) struct Fnv(u64);

impl Fnv {
    pub(crate) fn new() -> Self {
        Fnv(0xCBF2_9CE4_8422_2325)
    }

    pub(crate) fn write(&mut self, bytes: &[u8]) -> &mut Self {
        for byte in bytes.iter().copied().chain([0xFF]) {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01B3);
        }
        self
    }

    pub(crate) fn finish(&self) -> u64 {
        mix(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_numbers() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        let guid = Rng::new(1).guid();
        assert_eq!(guid.len(), 36);
        assert_eq!(&guid[14..15], "4");
        assert!(cloudpki_model::Guid::parse(&guid).is_ok(), "{guid}");
        assert_eq!(Rng::new(3).hex(38).len(), 38);
        assert!((0..1000).map(|_| a.below(10)).all(|n| n < 10));
    }
}
