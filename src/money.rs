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

    /// The amount in yuan, exactly, given how many yuan one unit is. Amounts read from files
    /// are bounded ([`AMOUNT_DIGITS`]), so this is exact; it saturates rather than panics for
    /// any other value.
    pub fn to_yuan(self, yuan_per_unit: Decimal) -> Decimal {
        self.0.saturating_mul(yuan_per_unit).normalize()
    }
}

/// Amounts are below 10^12 of the programme's unit in magnitude (a million 亿元 in 万元):
/// beyond any programme's scale, and far enough below the decimal type's 7.9 × 10^28 that no sum
/// of amounts, no conversion to 元 and no share can reach it.
pub const AMOUNT_DIGITS: u32 = 12;

/// Other numbers (targets, actual values, percentages) are below 10^15 in magnitude.
pub const NUMBER_DIGITS: u32 = 15;

/// Other numbers have at most 10 decimal places.
pub const NUMBER_PLACES: u32 = 10;

/// Why a text is not a number within its limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// Not a plain decimal number (hex, inf, nan, text).
    NotANumber,
    /// More integer digits than allowed.
    TooLarge,
    /// More decimal places (not counting trailing zeros) than allowed: how many were written.
    TooPrecise { places: u32 },
}

/// Parses a number as written in TOML or in a quoted string — `350`, `35.5`, `"35.50"`,
/// `1_000`, `1.5e2` — keeping the scale as written, and refusing one with more than
/// `int_digits` digits before the point or more than `places` significant digits after it.
/// The limits are judged on the text, so nothing is ever rounded on the way in.
pub fn parse_within(text: &str, int_digits: u32, places: u32) -> Result<Decimal, Bound> {
    let cleaned: String = text.trim().chars().filter(|c| *c != '_').collect();
    let body = cleaned.strip_prefix(['+', '-']).unwrap_or(&cleaned);
    let (mantissa, exp) = match body.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (body, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) {
        return Err(Bound::NotANumber);
    }
    let exp: i64 = match exp {
        None => 0,
        Some(e) => {
            let unsigned = e.strip_prefix(['+', '-']).unwrap_or(e);
            if unsigned.is_empty() || !digits(unsigned) {
                return Err(Bound::NotANumber);
            }
            // An exponent this long is out of every limit either way.
            if unsigned.len() > 6 {
                return Err(
                    if e.starts_with('-') && int.bytes().chain(frac.bytes()).any(|b| b != b'0') {
                        Bound::TooPrecise { places: u32::MAX }
                    } else if e.starts_with('-')
                        || int.bytes().chain(frac.bytes()).all(|b| b == b'0')
                    {
                        Bound::NotANumber
                    } else {
                        Bound::TooLarge
                    },
                );
            }
            e.parse().map_err(|_| Bound::NotANumber)?
        }
    };
    // The significant digits and where the point falls among them.
    let all = format!("{int}{frac}");
    let lead = all.bytes().take_while(|b| *b == b'0').count();
    let significant = all[lead..].trim_end_matches('0');
    if significant.is_empty() {
        return Ok(Decimal::ZERO);
    }
    let point = int.len() as i64 + exp - lead as i64;
    if point > i64::from(int_digits) {
        return Err(Bound::TooLarge);
    }
    let written_places = significant.len() as i64 - point;
    if written_places > i64::from(places) {
        return Err(Bound::TooPrecise {
            places: u32::try_from(written_places).unwrap_or(u32::MAX),
        });
    }
    let exact = if exp == 0 {
        Decimal::from_str(&cleaned).ok()
    } else {
        Decimal::from_scientific(&cleaned).ok()
    };
    // Within the limits the number fits; a scale as written beyond the type's 28 places (only
    // trailing zeros can do that) is dropped.
    match exact {
        Some(d) => Ok(d),
        None => {
            let negative = cleaned.starts_with('-');
            let scale = u32::try_from(written_places.max(0)).unwrap_or(0);
            let zeros = u32::try_from((-written_places).max(0)).unwrap_or(0);
            let mut n: i128 = significant.parse().map_err(|_| Bound::NotANumber)?;
            n *= 10i128.pow(zeros);
            Ok(Decimal::from_i128_with_scale(
                if negative { -n } else { n },
                scale,
            ))
        }
    }
}

/// A number within the limits for numbers other than amounts; `None` for anything else.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    parse_within(text, NUMBER_DIGITS, NUMBER_PLACES).ok()
}

/// An amount in a unit: below 10^12 in magnitude, to the 分 at most.
pub fn parse_amount(text: &str, places: u32) -> Result<Decimal, Bound> {
    parse_within(text, AMOUNT_DIGITS, places)
}

/// Checks an amount already computed (an import converting 元 to 万元) against the same limits.
pub fn check_amount(d: Decimal, places: u32) -> Result<(), Bound> {
    if d.abs() >= Decimal::from(10u64.pow(AMOUNT_DIGITS)) {
        Err(Bound::TooLarge)
    } else if d.normalize().scale() > places {
        Err(Bound::TooPrecise {
            places: d.normalize().scale(),
        })
    } else {
        Ok(())
    }
}

/// Decimal places an amount may have in a unit: down to the 分 (0.01 元), so 2 in 元 and 6 in
/// 万元. An unknown unit (reported on its own) allows the most any unit does.
pub fn amount_places(unit: &str) -> u32 {
    match yuan_per_unit(unit.trim()) {
        Some(y) => 2 + y.normalize().to_string().len() as u32 - 1,
        None => 10,
    }
}

/// `part` as a percentage of `whole`, unrounded; `None` when `whole` is zero or the quotient
/// would not fit.
pub fn percent_of(part: Money, whole: Money) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    part.0
        .checked_mul(Decimal::ONE_HUNDRED)?
        .checked_div(whole.0)
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

/// Sums of amounts read from files stay exact: each is below 10^12 ([`AMOUNT_DIGITS`]), so
/// even 10^16 of them stay below the decimal type's limit. Arithmetic saturates rather than
/// panics for values built any other way.
impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        *self = *self + rhs;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0.saturating_sub(rhs.0))
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
        for bad in [
            "", "abc", "0x10", "inf", "nan", "1,000", "十万", "12万", ".5", "1e", "--1", "1.2.3",
            "1e+",
        ] {
            assert!(parse_decimal(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn limits_are_judged_on_the_text() {
        let amount = |s: &str| parse_amount(s, 6);
        assert_eq!(
            amount("999999999999.999999").unwrap().to_string(),
            "999999999999.999999"
        );
        assert_eq!(amount("-35.5").unwrap().to_string(), "-35.5");
        assert_eq!(amount("1000000000000"), Err(Bound::TooLarge));
        assert_eq!(amount("7.9e28"), Err(Bound::TooLarge));
        assert_eq!(
            amount("79228162514264337593543950335"),
            Err(Bound::TooLarge)
        );
        assert_eq!(amount("1e999999999"), Err(Bound::TooLarge));
        assert_eq!(amount("1.0000001"), Err(Bound::TooPrecise { places: 7 }));
        assert_eq!(
            amount("0.00000000000000000000000000001"),
            Err(Bound::TooPrecise { places: 29 })
        );
        assert!(matches!(
            amount("1e-999999999"),
            Err(Bound::TooPrecise { .. })
        ));
        // Trailing zeros are not precision: kept as written, and beyond 28 places dropped.
        assert_eq!(amount("35.50").unwrap().to_string(), "35.50");
        assert_eq!(amount("1.5e2").unwrap(), Decimal::from(150));
        assert_eq!(
            amount(&format!("2.{}", "0".repeat(40))).unwrap(),
            Decimal::from(2)
        );
        assert_eq!(amount("0e99999999999"), Err(Bound::NotANumber));
        assert_eq!(amount("0.000e5").unwrap(), Decimal::ZERO);
        assert_eq!(amount_places("元"), 2);
        assert_eq!(amount_places("千元"), 5);
        assert_eq!(amount_places("万元"), 6);
        assert_eq!(amount_places("亿元"), 10);
        assert_eq!(
            check_amount(Decimal::new(15, 7), 6),
            Err(Bound::TooPrecise { places: 7 })
        );
        assert!(check_amount(Decimal::from(10i64.pow(12)), 6).is_err());
    }

    #[test]
    fn arithmetic_at_the_limits_never_panics() {
        let max = Money(parse_amount("999999999999.9999999999", 10).unwrap());
        // A million of the largest amounts add up exactly.
        let total: Money = std::iter::repeat_n(max, 1_000_000).sum();
        assert_eq!(total.0, max.0 * Decimal::from(1_000_000));
        assert_eq!(
            max.to_yuan(yuan_per_unit("亿元").unwrap()).to_string(),
            "99999999999999999999.99"
        );
        let tiny = Money(parse_amount("0.0000000001", 10).unwrap());
        assert!(
            percent_of(total, tiny).is_none(),
            "too large a share is none"
        );
        assert!(percent_of(max, tiny).is_some());
        assert!(percent_of(max, Money::ZERO).is_none());
        // Values built any other way saturate instead of panicking.
        let huge = Money(Decimal::MAX);
        assert_eq!((huge + huge).0, Decimal::MAX);
        assert_eq!((Money(Decimal::MIN) - huge).0, Decimal::MIN);
        assert_eq!(huge.to_yuan(Decimal::from(10_000)), Decimal::MAX);
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
