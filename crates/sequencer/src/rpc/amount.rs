//! The `amount` of `devnet_mint`, read from its JSON text so that no digit is lost (a JSON
//! number past 2^53 would not survive a trip through `f64`).
//!
//! Accepted as starknet-devnet accepts it: a JSON integer of any size; a JSON number in decimal
//! or exponent form, truncated toward zero (`1e21`, `1000.0`, `3.9` is 3, `1.23e1` is 12); or a
//! string of decimal digits, or of hex digits after `0x`. Refused: negative amounts, anything
//! else, and amounts above `2^256 - 1` (a Cairo `Uint256`).

use num_bigint::BigUint;

use crate::mint::TokenAmount;

/// Most decimal digits an amount can have (`2^256 - 1` has 78).
const MAX_DIGITS: usize = 78;

/// Why an amount is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Not a number or a string of digits.
    #[error("amount must be a non-negative integer (a JSON number, or a decimal or 0x-hex string)")]
    Malformed,
    /// Below zero.
    #[error("amount must not be negative")]
    Negative,
    /// Above `2^256 - 1`.
    #[error("amount does not fit a u256 (at most 2^256 - 1)")]
    TooLarge,
}

/// Parses the raw JSON text of an amount.
pub fn parse(raw: &str) -> Result<TokenAmount, AmountError> {
    let raw = raw.trim();
    let value = if raw.starts_with('"') {
        let text: String = serde_json::from_str(raw).map_err(|_| AmountError::Malformed)?;
        parse_string(&text)?
    } else {
        parse_number(raw)?
    };
    TokenAmount::from_biguint(&value).ok_or(AmountError::TooLarge)
}

/// A string of decimal digits, or `0x` and hex digits.
fn parse_string(text: &str) -> Result<BigUint, AmountError> {
    if text.starts_with('-') {
        return Err(AmountError::Negative);
    }
    let (digits, radix) = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => (hex, 16),
        None => (text, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(AmountError::Malformed);
    }
    let significant = digits.trim_start_matches('0');
    let max = if radix == 16 { 64 } else { MAX_DIGITS };
    if significant.len() > max {
        return Err(AmountError::TooLarge);
    }
    BigUint::parse_bytes(digits.as_bytes(), radix).ok_or(AmountError::Malformed)
}

/// A JSON number (`-? int frac? exp?`), truncated toward zero.
fn parse_number(text: &str) -> Result<BigUint, AmountError> {
    if text.starts_with('-') {
        return Err(AmountError::Negative);
    }
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let (integer, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |part: &str| part.chars().all(|c| c.is_ascii_digit());
    if integer.is_empty() || !all_digits(integer) || !all_digits(fraction) {
        return Err(AmountError::Malformed);
    }
    if mantissa.contains('.') && fraction.is_empty() {
        return Err(AmountError::Malformed);
    }
    let exponent: i64 = match exponent {
        None => 0,
        Some(exponent) => {
            let unsigned = exponent.trim_start_matches(['+', '-']);
            if unsigned.is_empty() || !all_digits(unsigned) || exponent.len() - unsigned.len() > 1 {
                return Err(AmountError::Malformed);
            }
            // Far past any u256 either way; saturating keeps huge exponents from overflowing.
            exponent.parse::<i64>().unwrap_or(if exponent.starts_with('-') { -1000 } else { 1000 })
        }
    };
    let digits = format!("{integer}{fraction}");
    let significant = digits.trim_start_matches('0');
    if significant.is_empty() {
        return Ok(BigUint::default());
    }
    // The value is `significant * 10^shift`.
    let shift = exponent.saturating_sub(fraction.len() as i64);
    let whole = if shift >= 0 {
        if significant.len() as i64 + shift > MAX_DIGITS as i64 {
            return Err(AmountError::TooLarge);
        }
        format!("{significant}{}", "0".repeat(shift as usize))
    } else {
        let cut = shift.unsigned_abs() as usize;
        if cut >= significant.len() {
            return Ok(BigUint::default());
        }
        significant[..significant.len() - cut].to_owned()
    };
    if whole.len() > MAX_DIGITS {
        return Err(AmountError::TooLarge);
    }
    BigUint::parse_bytes(whole.as_bytes(), 10).ok_or(AmountError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn low(raw: &str) -> u128 {
        let amount = parse(raw).unwrap_or_else(|error| panic!("{raw}: {error}"));
        assert_eq!(amount.high, 0, "{raw}");
        amount.low
    }

    #[test]
    fn numbers_and_strings_as_starknet_devnet_reads_them() {
        assert_eq!(low("500000"), 500_000);
        assert_eq!(low("0"), 0);
        assert_eq!(low("1e21"), 1_000_000_000_000_000_000_000);
        assert_eq!(low("1000.0"), 1000);
        assert_eq!(low("3.9"), 3);
        assert_eq!(low("1.23e1"), 12);
        assert_eq!(low("12E-1"), 1);
        assert_eq!(low("5e-1"), 0);
        assert_eq!(low("\"1000\""), 1000);
        assert_eq!(low("\"0x3e8\""), 1000);
        // Past f64's 53 bits and past u128: exact.
        assert_eq!(low("340282366920938463463374607431768211455"), u128::MAX);
        let over_u128 = parse("340282366920938463463374607431768211456").unwrap();
        assert_eq!((over_u128.low, over_u128.high), (0, 1));
        let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
        assert_eq!(parse(max).unwrap(), TokenAmount { low: u128::MAX, high: u128::MAX });
        assert_eq!(parse(&format!("\"{max}\"")).unwrap().high, u128::MAX);
    }

    #[test]
    fn bad_amounts_are_refused() {
        let max_plus_one =
            "115792089237316195423570985008687907853269984665640564039457584007913129639936";
        assert_eq!(parse(max_plus_one), Err(AmountError::TooLarge));
        assert_eq!(parse("1e78"), Err(AmountError::TooLarge));
        assert_eq!(parse("1e999999999999999999999"), Err(AmountError::TooLarge));
        assert_eq!(parse("\"0x1"), Err(AmountError::Malformed));
        assert_eq!(parse(&format!("\"0x1{}\"", "0".repeat(64))), Err(AmountError::TooLarge));
        assert_eq!(parse("-1"), Err(AmountError::Negative));
        assert_eq!(parse("\"-5\""), Err(AmountError::Negative));
        for malformed in
            ["\"\"", "\"12a\"", "1.", ".5", "1e", "1e+-2", "null", "true", "[1]", "0x10"]
        {
            assert_eq!(parse(malformed), Err(AmountError::Malformed), "{malformed}");
        }
        assert_eq!(low("0e999999999999999999999"), 0);
    }
}
