//! Calendar dates and months, without a time zone: the disclosure rules count whole days.

use std::fmt;

use serde::{Serialize, Serializer};

/// A day of the proleptic Gregorian calendar, stored as days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

/// A calendar month, the unit of the monthly progress report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    /// 1–12
    pub month: u32,
}

/// The years a disclosure record can be about: a programme of this century. A year outside
/// is a typing mistake (`0202-06-30`, an Excel serial 0 read as 1899-12-31), and keeps every
/// count of days small.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

impl Date {
    /// The date for a year, month (1–12) and day, or `None` if there is no such day.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date(days_from_civil(year, month, day)))
    }

    /// Parses `YYYY-MM-DD` exactly.
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year = text[0..4].parse().ok()?;
        let month = text[5..7].parse().ok()?;
        let day = text[8..10].parse().ok()?;
        Date::from_ymd(year, month, day)
    }

    /// Today in China (UTC+8), from the system clock. The only place the wall clock is read.
    pub fn today_in_china() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Date(((secs + 8 * 3600).div_euclid(86_400)) as i32)
    }

    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    pub fn year(self) -> i32 {
        self.ymd().0
    }

    /// Whether the year is within [`YEARS`].
    pub fn in_years(self) -> bool {
        YEARS.contains(&self.year())
    }

    pub fn month(self) -> Month {
        let (year, month, _) = self.ymd();
        Month { year, month }
    }

    /// Day of the week, 1 = Monday … 7 = Sunday.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (4).
        ((self.0 as i64 + 3).rem_euclid(7) + 1) as u32
    }

    pub fn is_weekend(self) -> bool {
        self.weekday() >= 6
    }

    pub fn add_days(self, days: i32) -> Date {
        Date(self.0 + days)
    }

    /// Whole days from `self` to `later` (negative if `later` is earlier).
    pub fn days_until(self, later: Date) -> i32 {
        later.0 - self.0
    }

    /// `2022年6月30日`, the form Chinese government pages print.
    pub fn chinese(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{y}年{m}月{d}日")
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Month> {
        (1..=12).contains(&month).then_some(Month { year, month })
    }

    /// Parses `YYYY-MM` exactly.
    pub fn parse(text: &str) -> Option<Month> {
        let b = text.as_bytes();
        if b.len() != 7 || b[4] != b'-' || !b[..4].iter().chain(&b[5..]).all(u8::is_ascii_digit) {
            return None;
        }
        Month::new(text[0..4].parse().ok()?, text[5..7].parse().ok()?)
    }

    /// A month before any report, for sorting records that have none.
    pub fn default_first() -> Month {
        Month {
            year: i32::MIN,
            month: 1,
        }
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn first_day(self) -> Date {
        Date(days_from_civil(self.year, self.month, 1))
    }

    pub fn last_day(self) -> Date {
        self.day(31)
    }

    /// The given day of this month, clamped to the month's last day.
    pub fn day(self, day: u32) -> Date {
        let day = day.clamp(1, days_in_month(self.year, self.month));
        Date(days_from_civil(self.year, self.month, day))
    }

    /// Every month from `self` to `last`, both included.
    pub fn through(self, last: Month) -> impl Iterator<Item = Month> {
        std::iter::successors(Some(self), move |m| Some(m.next())).take_while(move |m| *m <= last)
    }

    /// `2022年6月`
    pub fn chinese(self) -> String {
        format!("{}年{}月", self.year, self.month)
    }

    /// Months in order, said as runs: `2021年3月—2022年10月、2022年12月`.
    pub fn chinese_runs(months: &[Month]) -> String {
        let mut runs: Vec<(Month, Month)> = Vec::new();
        for m in months {
            match runs.last_mut() {
                Some((_, last)) if last.next() == *m => *last = *m,
                _ => runs.push((*m, *m)),
            }
        }
        runs.iter()
            .map(|(a, b)| {
                if a == b {
                    a.chinese()
                } else {
                    format!("{}—{}", a.chinese(), b.chinese())
                }
            })
            .collect::<Vec<_>>()
            .join("、")
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days.
fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy as i32;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i32::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_said_as_runs() {
        let m = |s| Month::parse(s).unwrap();
        let months = [
            m("2021-11"),
            m("2021-12"),
            m("2022-01"),
            m("2022-03"),
            m("2022-05"),
            m("2022-06"),
        ];
        assert_eq!(
            Month::chinese_runs(&months),
            "2021年11月—2022年1月、2022年3月、2022年5月—2022年6月"
        );
        assert_eq!(Month::chinese_runs(&[m("2022-03")]), "2022年3月");
        assert_eq!(Month::chinese_runs(&[]), "");
    }

    #[test]
    fn round_trips_every_day_of_several_centuries() {
        let start = Date::from_ymd(1899, 1, 1).unwrap();
        let mut prev = start.ymd();
        for n in 1..(366 * 250) {
            let d = start.add_days(n);
            let (y, m, day) = d.ymd();
            assert_eq!(Date::from_ymd(y, m, day), Some(d));
            assert!((y, m, day) > prev);
            prev = (y, m, day);
        }
    }

    #[test]
    fn parses_and_rejects() {
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2022/06/30").is_none());
        assert!(Date::parse("2022-6-30").is_none());
        assert_eq!(Month::parse("2022-06").unwrap().to_string(), "2022-06");
        assert!(Month::parse("2022-13").is_none());
        assert!(Month::parse("2022-6").is_none());
    }

    #[test]
    fn weekdays() {
        // 2022-10-01 was a Saturday, 2024-02-10 (Spring Festival) a Saturday, 2026-11-25 a Wednesday.
        assert_eq!(Date::parse("2022-10-01").unwrap().weekday(), 6);
        assert_eq!(Date::parse("2024-02-10").unwrap().weekday(), 6);
        assert_eq!(Date::parse("2026-11-25").unwrap().weekday(), 3);
    }

    #[test]
    fn months() {
        let m = Month::parse("2022-11").unwrap();
        let all: Vec<String> = m
            .through(Month::parse("2023-02").unwrap())
            .map(|m| m.to_string())
            .collect();
        assert_eq!(all, ["2022-11", "2022-12", "2023-01", "2023-02"]);
        assert_eq!(
            Month::parse("2023-02").unwrap().day(31).to_string(),
            "2023-02-28"
        );
        assert_eq!(m.chinese(), "2022年11月");
    }
}
