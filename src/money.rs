//! Exact amounts. Every amount is a `Decimal` from the text the webmaster wrote to the page:
//! nothing goes through binary floating point.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub};
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

/// An amount in the programme's unit (by default 万元).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// The amount in yuan, exactly, given how many yuan one unit is.
    pub fn to_yuan(self, yuan_per_unit: Decimal) -> Decimal {
        (self.0 * yuan_per_unit).normalize()
    }
}

/// Parses a number as written in TOML or in a quoted string: `350`, `35.5`, `"35.50"`, `1_000`.
/// Returns `None` for anything that is not a plain decimal number (hex, inf, nan, text).
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let cleaned: String = text.trim().chars().filter(|c| *c != '_').collect();
    let body = cleaned.strip_prefix(['+', '-']).unwrap_or(&cleaned);
    if body.is_empty() || !body.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if !body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
    {
        return None;
    }
    if body.contains(['e', 'E']) {
        Decimal::from_scientific(&cleaned).ok()
    } else {
        Decimal::from_str(&cleaned).ok()
    }
}

/// How a decimal is shown on a page: trailing zeros trimmed, no exponent.
pub fn display_decimal(d: Decimal) -> String {
    let n = d.normalize();
    if n.is_zero() {
        "0".to_string()
    } else {
        n.to_string()
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&display_decimal(self.0))
    }
}

/// Amounts go into JSON as decimal strings, so that no reader turns them into floats.
impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
    }
}

/// Yuan per unit for the units a programme may declare.
pub fn yuan_per_unit(unit: &str) -> Option<Decimal> {
    match unit {
        "元" => Some(Decimal::ONE),
        "千元" => Some(Decimal::from(1_000)),
        "万元" => Some(Decimal::from(10_000)),
        "亿元" => Some(Decimal::from(100_000_000)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        parse_decimal(s).unwrap()
    }

    #[test]
    fn parses_what_webmasters_write() {
        assert_eq!(d("350"), Decimal::from(350));
        assert_eq!(d("35.5").to_string(), "35.5");
        assert_eq!(d("35.50").to_string(), "35.50");
        assert_eq!(d("1_000"), Decimal::from(1000));
        assert_eq!(d("-3"), Decimal::from(-3));
        assert_eq!(d("1.5e2"), Decimal::from(150));
        for bad in ["", "abc", "0x10", "inf", "nan", "1,000", "十万", "12万"] {
            assert!(parse_decimal(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn exact_arithmetic_and_display() {
        let total: Money = ["0.1", "0.2"].iter().map(|s| Money(d(s))).sum();
        assert_eq!(total, Money(d("0.3")));
        assert_eq!(Money(d("35.50")).to_string(), "35.5");
        assert_eq!(Money(d("100.00")).to_string(), "100");
        assert_eq!(Money(d("0.000")).to_string(), "0");
        assert_eq!(
            Money(d("35.5"))
                .to_yuan(yuan_per_unit("万元").unwrap())
                .to_string(),
            "355000"
        );
    }
}

#[cfg(test)]
mod properties {
    //! Sums and shares are exact for any decimals: checked against integer arithmetic on the
    //! same numbers scaled to whole units of 10⁻⁴.
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::*;
    use crate::check::share;

    /// An amount with up to 4 decimal places, as (units of 0.0001, text).
    fn amount() -> impl Strategy<Value = (i128, String)> {
        (0i64..100_000_000_000, 0u32..=4).prop_map(|(n, scale)| {
            let units = (n as i128) * 10i128.pow(4 - scale);
            let d = Decimal::new(n, scale);
            (units, d.to_string())
        })
    }

    proptest! {
        #[test]
        fn sums_are_exact(parts in proptest::collection::vec(amount(), 1..40)) {
            let total: Money = parts.iter().map(|(_, t)| Money(parse_decimal(t).unwrap())).sum();
            let units: i128 = parts.iter().map(|(u, _)| *u).sum();
            prop_assert_eq!(total.0, Decimal::from_i128_with_scale(units, 4));
        }

        #[test]
        fn shares_round_half_up_exactly((part, p) in amount(), (whole, w) in amount(), scale in 0u32..=3) {
            prop_assume!(whole > 0);
            let got = share(Money(parse_decimal(&p).unwrap()), Money(parse_decimal(&w).unwrap()), scale).unwrap();
            // part / whole * 100, in units of 10^-scale, rounded half up, by integers alone.
            let num = part * 100 * 10i128.pow(scale);
            let expected = (2 * num + whole) / (2 * whole);
            prop_assert_eq!(got, Decimal::from_i128_with_scale(expected, scale));
        }
    }

    #[test]
    fn point_one_plus_point_two() {
        let sum: Money = ["0.1", "0.2"]
            .iter()
            .map(|s| Money(parse_decimal(s).unwrap()))
            .sum();
        assert_eq!(sum.to_string(), "0.3");
    }
}
