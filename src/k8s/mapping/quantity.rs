//! Kubernetes quantities (`4`, `500m`, `16Gi`, `1e3`), parsed exactly, and
//! the plain milliseconds of synergai's annotations.

use super::{MAX_SANE, quote};

/// A parsed, non-negative Kubernetes quantity: `digits × 10^exp10 × 2^exp2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Decimal {
    digits: u128,
    exp10: i64,
    exp2: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Round {
    Up,
    Down,
}

/// Most significant digits accepted; with a `2^60` suffix the product
/// still fits a `u128`.
const MAX_SIGNIFICANT_DIGITS: usize = 20;
/// Longest quantity text accepted.
const MAX_QUANTITY_LEN: usize = 64;

/// Parses the Kubernetes quantity grammar: `<sign><number><suffix>` with
/// suffixes `m k M G T P E`, `Ki Mi Gi Ti Pi Ei` or an exponent `e3`/`E-2`.
fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    let bad = || {
        format!(
            "not a quantity (expected e.g. 4, 500m, 2.5, 16Gi or 1e3), got {}",
            quote(text)
        )
    };
    if t.is_empty() {
        return Err("empty; expected a quantity such as 4, 500m or 16Gi".into());
    }
    if t.len() > MAX_QUANTITY_LEN {
        return Err(format!(
            "too long to be a quantity ({} bytes), got {}",
            t.len(),
            quote(text)
        ));
    }
    let (negative, body) = match t.as_bytes()[0] {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    // Only ASCII digits and one dot before the suffix, so the split index is
    // a character boundary.
    let int_len = body.bytes().take_while(u8::is_ascii_digit).count();
    let (int_part, rest) = body.split_at(int_len);
    let (frac_part, suffix) = match rest.strip_prefix('.') {
        Some(after) => {
            let n = after.bytes().take_while(u8::is_ascii_digit).count();
            after.split_at(n)
        }
        None => ("", rest),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(bad());
    }
    let (suffix_exp10, exp2): (i64, u32) = match suffix {
        "" => (0, 0),
        "m" => (-3, 0),
        "k" => (3, 0),
        "M" => (6, 0),
        "G" => (9, 0),
        "T" => (12, 0),
        "P" => (15, 0),
        "E" => (18, 0),
        "Ki" => (0, 10),
        "Mi" => (0, 20),
        "Gi" => (0, 30),
        "Ti" => (0, 40),
        "Pi" => (0, 50),
        "Ei" => (0, 60),
        s if s.starts_with(['e', 'E']) => (parse_exponent(&s[1..]).ok_or_else(bad)?, 0),
        other => {
            return Err(format!(
                "unknown suffix {} in {} (expected m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent such as e3)",
                quote(other),
                quote(text)
            ));
        }
    };
    let all: String = [int_part, frac_part].concat();
    let significant = all.trim_start_matches('0');
    let trailing_zeros = significant.len() - significant.trim_end_matches('0').len();
    let significant = &significant[..significant.len() - trailing_zeros];
    if significant.len() > MAX_SIGNIFICANT_DIGITS {
        return Err(format!(
            "more than {MAX_SIGNIFICANT_DIGITS} significant digits in {}",
            quote(text)
        ));
    }
    let digits: u128 = if significant.is_empty() {
        0
    } else {
        significant.parse().map_err(|_| bad())?
    };
    if negative && digits != 0 {
        return Err(format!("must not be negative, got {}", quote(text)));
    }
    let exp10 = suffix_exp10 + trailing_zeros as i64 - frac_part.len() as i64;
    Ok(Decimal {
        digits,
        exp10,
        exp2,
    })
}

/// A signed decimal exponent; huge exponents are clamped (they are absurd
/// either way, and clamping keeps the arithmetic in range).
fn parse_exponent(text: &str) -> Option<i64> {
    let (sign, digits) = match text.as_bytes().first()? {
        b'-' => (-1, &text[1..]),
        b'+' => (1, &text[1..]),
        _ => (1, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = digits.trim_start_matches('0');
    let magnitude: i64 = if digits.len() > 6 {
        1_000_000
    } else if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    Some(sign * magnitude)
}

impl Decimal {
    /// The value × 10^`scale`, as an integer rounded as asked; `None` if it
    /// does not fit a `u128`.
    fn scaled(self, scale: i64, round: Round) -> Option<u128> {
        if self.digits == 0 {
            return Some(0);
        }
        // digits < 10^20 < 2^67, so × 2^60 < 2^127.
        let x = self.digits.checked_mul(1u128.checked_shl(self.exp2)?)?;
        let e = self.exp10 + scale;
        if e >= 0 {
            let p = 10u128.checked_pow(u32::try_from(e).ok()?)?;
            x.checked_mul(p)
        } else {
            let k = e.unsigned_abs();
            if k > 38 {
                // x < 2^127 < 10^39 <= 10^k: the quotient is in (0, 1).
                return Some(match round {
                    Round::Up => 1,
                    Round::Down => 0,
                });
            }
            let d = 10u128.pow(k as u32);
            Some(match round {
                Round::Up => x.div_ceil(d),
                Round::Down => x / d,
            })
        }
    }
}

fn sane(value: Option<u128>, text: &str, unit: &str) -> Result<u64, String> {
    match value {
        Some(v) if v <= u128::from(MAX_SANE) => Ok(v as u64),
        _ => Err(format!(
            "absurdly large (over 10^15 {unit}), got {}",
            quote(text)
        )),
    }
}

/// CPU in millicores: `"4"` → 4000, `"500m"` → 500, `"2.5"` → 2500,
/// `"1e3"` → 1,000,000. Rounds up like Kubernetes (`0.1m` → 1).
pub fn parse_cpu_millis(text: &str) -> Result<u64, String> {
    let d = parse_decimal(text)?;
    sane(d.scaled(3, Round::Up), text, "millicores")
}

/// Memory in bytes (rounded up like Kubernetes' `Value()`); at most
/// 2^63-1, the largest quantity Kubernetes represents.
pub fn parse_memory_bytes(text: &str) -> Result<u64, String> {
    let d = parse_decimal(text)?;
    match d.scaled(0, Round::Up) {
        Some(v) if v <= i64::MAX as u128 => Ok(v as u64),
        _ => Err(format!(
            "larger than Kubernetes allows (2^63-1 bytes), got {}",
            quote(text)
        )),
    }
}

/// Memory in MiB, rounded down: `"16Gi"` → 16384, `"1G"` → 953,
/// `"16323756Ki"` → 15941.
pub fn parse_memory_mib(text: &str) -> Result<u64, String> {
    parse_memory_bytes(text).map(|b| b / MIB)
}

/// A whole count (`"2"`, `"1k"`, `"1e3"`); fractions such as `"1.5"` or
/// `"500m"` are errors.
pub fn parse_count(text: &str) -> Result<u64, String> {
    let d = parse_decimal(text)?;
    let down = d.scaled(0, Round::Down);
    let up = d.scaled(0, Round::Up);
    if down != up {
        return Err(format!("must be a whole number, got {}", quote(text)));
    }
    sane(down, text, "").map_err(|_| format!("absurdly large (over 10^15), got {}", quote(text)))
}

pub(super) const MIB: u64 = 1 << 20;

/// The largest number of milliseconds accepted (over 300 years, as in fixtures).
const MAX_MS: f64 = 1e13;

/// A plain number of milliseconds (`1500`, `2.5`, `1e3`): finite, not
/// above [`MAX_MS`]; no units, so `500m` cannot be misread.
pub(super) fn milliseconds(text: &str) -> Option<f64> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|ms| ms.is_finite() && *ms <= MAX_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_quantities() {
        for (text, millis) in [
            ("4", 4000),
            ("500m", 500),
            ("2.5", 2500),
            ("1e3", 1_000_000),
            ("1E3", 1_000_000),
            ("0.1", 100),
            ("0.1m", 1),
            ("0.0001", 1),
            (".5", 500),
            ("5.", 5000),
            ("+1", 1000),
            ("-0", 0),
            ("0", 0),
            ("1k", 1_000_000),
            (" 7900m ", 7900),
            ("1e-3", 1),
            ("0.000000000000000000000000000000000000000001", 1),
        ] {
            assert_eq!(parse_cpu_millis(text), Ok(millis), "{text}");
        }
        let neg = parse_cpu_millis("-5").unwrap_err();
        assert!(
            neg.contains("must not be negative") && neg.contains("\"-5\""),
            "{neg}"
        );
        assert!(
            parse_cpu_millis("1e99")
                .unwrap_err()
                .contains("absurdly large")
        );
        assert!(
            parse_cpu_millis("4Xi")
                .unwrap_err()
                .contains("unknown suffix \"Xi\"")
        );
        assert!(
            parse_cpu_millis("NaN")
                .unwrap_err()
                .contains("not a quantity")
        );
        assert!(parse_cpu_millis("").unwrap_err().contains("empty"));
        assert!(parse_cpu_millis("inf").is_err());
        assert!(parse_cpu_millis("1.2.3").is_err());
        assert!(parse_cpu_millis("1e").is_err());
        assert!(parse_cpu_millis("e3").is_err());
        assert!(parse_cpu_millis("1 m").is_err());
    }

    #[test]
    fn memory_quantities() {
        for (text, mib) in [
            ("16Gi", 16384),
            ("512Mi", 512),
            ("1G", 953),
            ("16323756Ki", 15941),
            ("128974848", 123),
            ("129e6", 123),
            ("129M", 123),
            ("1.5Gi", 1536),
            ("1Ti", 1 << 20),
            ("500m", 0),
            ("1Ei", 1 << 40),
        ] {
            assert_eq!(parse_memory_mib(text), Ok(mib), "{text}");
        }
        assert_eq!(parse_memory_bytes("500m"), Ok(1));
        assert_eq!(parse_memory_bytes("1Ki"), Ok(1024));
        assert!(parse_memory_mib("8Ei").unwrap_err().contains("2^63-1"));
        assert!(parse_memory_mib("-1Gi").unwrap_err().contains("negative"));
        assert!(parse_memory_mib("3 parsecs").is_err());
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count("2"), Ok(2));
        assert_eq!(parse_count("1k"), Ok(1000));
        assert_eq!(parse_count("1e3"), Ok(1000));
        assert_eq!(parse_count("2000m"), Ok(2));
        assert_eq!(parse_count("1e15"), Ok(MAX_SANE));
        assert!(parse_count("1.5").unwrap_err().contains("whole number"));
        assert!(parse_count("500m").unwrap_err().contains("whole number"));
        assert!(parse_count("1e16").unwrap_err().contains("absurdly large"));
        assert!(parse_count("1e99").unwrap_err().contains("absurdly large"));
        assert!(parse_count("-1").unwrap_err().contains("negative"));
    }

    #[test]
    fn hostile_quantities_never_panic() {
        let long = "9".repeat(64);
        let longer = "9".repeat(65);
        let many = format!("0.{}1", "0".repeat(50));
        let weird = [
            "",
            " ",
            "-",
            "+",
            ".",
            "..",
            "-.",
            "+.e",
            "e",
            "E",
            "1e",
            "1e+",
            "1e-",
            "1ee3",
            "1e1.5",
            "1e99999999999999999999",
            "1e-99999999999999999999",
            "1E18",
            "1E-18",
            "99999999999999999999",
            "999999999999999999999",
            "0000000000000000000000000001",
            "１",
            "٣",
            "1µ",
            "1\u{0}",
            "\u{0}",
            "1\n",
            "NaN",
            "nan",
            "inf",
            "-inf",
            "Infinity",
            "0x10",
            "1_000",
            "1,5",
            "1Ki1",
            "Ki",
            "1Kii",
            "1iK",
            "--1",
            "+-1",
            "1-",
            "1+",
            "-0.0",
            "-0m",
            "9Ei",
            "7Ei",
            "1Pi",
            "1P",
            "1E",
            "18446744073709551616",
            "340282366920938463463374607431768211456",
            "1e38",
            "1e39",
            "1e-38",
            "1e-39",
            "0e999999",
            "0.0e-999999",
            "🦀",
            "1🦀",
            "1m🦀",
            &long,
            &longer,
            &many,
        ];
        for text in weird {
            let _ = parse_cpu_millis(text);
            let _ = parse_memory_mib(text);
            let _ = parse_memory_bytes(text);
            let _ = parse_count(text);
        }
        // And a sweep of combinations of the grammar's pieces.
        let signs = ["", "-", "+"];
        let numbers = [
            "0",
            "1",
            ".5",
            "5.",
            "123456789.123456789",
            "99999999999999999999",
        ];
        let suffixes = ["", "m", "k", "Ei", "e18", "e-40", "E+3", "e999999999", "x"];
        for s in signs {
            for n in numbers {
                for x in suffixes {
                    let text = format!("{s}{n}{x}");
                    let _ = parse_cpu_millis(&text);
                    let _ = parse_memory_mib(&text);
                    let _ = parse_count(&text);
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_quantities_never_panic(text in "\\PC{0,40}", q in "[-+]?[0-9]{0,25}(\\.[0-9]{0,25})?([eE][-+]?[0-9]{0,12}|[mkMGTPE]i?)?") {
            let _ = parse_cpu_millis(&text);
            let _ = parse_memory_mib(&text);
            let _ = parse_count(&text);
            let _ = parse_cpu_millis(&q);
            let _ = parse_memory_mib(&q);
            let _ = parse_count(&q);
        }
    }
}
